#include "charts/chartsupport.h"

#include "zonestyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QCursor>
#include <QFontMetrics>
#include <QLegend>
#include <QPainter>
#include <QPalette>
#include <QPolygonF>
#include <QScatterSeries>
#include <QStringList>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace nf::ui::charts {

const stats::RunStat* drawnRunStat(const GroupAnalysis& group, const store::RunRow& run)
{
    if (run.hidden || run.status != store::kCompleted || !run.accuracy)
        return nullptr;
    return group.findRunStat(run.id);
}

std::optional<double> referencePoints(const GroupAnalysis& group)
{
    if (group.pinnedAccuracy)
        return *group.pinnedAccuracy * 100.0;
    if (group.summary)
        return group.summary->reference * 100.0;
    return std::nullopt;
}

QString runToolTip(const store::RunRow& run, const stats::RunStat& stat)
{
    const double deviationPoints = stat.deviation * 100.0;
    QString text = QStringLiteral("run %1 · seed %2\naccuracy %3\ndeviation %4%5 points (%6)")
                       .arg(run.id)
                       .arg(run.seed)
                       .arg(stat.accuracy * 100.0, 0, 'f', 2)
                       .arg(deviationPoints >= 0 ? QStringLiteral("+") : QString())
                       .arg(deviationPoints, 0, 'f', 2)
                       .arg(zoneName(stat.zone));
    text += stat.z ? QStringLiteral("\nz %1").arg(*stat.z, 0, 'f', 1) : QStringLiteral("\nz – (no spread)");
    for (const auto& rule : stat.rules)
        text += QStringLiteral("\nrule: ") + QString::fromStdString(rule);
    if (!run.label.empty())
        text += QStringLiteral("\nlabel: ") + QString::fromStdString(run.label);
    return text;
}

bool showRunToolTip(const GroupAnalysis& group, int64_t runId, QWidget* view)
{
    const store::RunRow* run = group.findRun(runId);
    const stats::RunStat* stat = group.findRunStat(runId);
    if (!run || !stat)
        return false;
    QToolTip::showText(QCursor::pos(), runToolTip(*run, *stat), view);
    return true;
}

QString zoneLegendText(stats::Zone zone, const stats::ZoneThresholds& thresholds)
{
    const auto number = [](double value) { return QString::number(value, 'g', 4); };
    switch (zone) {
    case stats::Zone::Normal:
        return QStringLiteral("normal |d| < ") + number(thresholds.watch);
    case stats::Zone::Watch:
        return QStringLiteral("watch ") + number(thresholds.watch) + QStringLiteral("–") +
               number(thresholds.elevated);
    case stats::Zone::Elevated:
        return QStringLiteral("elevated ") + number(thresholds.elevated) + QStringLiteral("–") +
               number(thresholds.suspicious);
    case stats::Zone::Suspicious:
        return QStringLiteral("suspicious |d| ≥ ") + number(thresholds.suspicious);
    }
    return {};
}

QString groupSlotHtml(const GroupAnalysis& group, const QFontMetrics& metrics, int widthPixels)
{
    // Qt Charts shortens a label that is too wide from its end, dropping whole lines: every line
    // is kept within the width instead, and n and sd get a line each under a narrow slot.
    const auto fit = [&](const QString& line) {
        return metrics.elidedText(line, Qt::ElideRight, std::max(widthPixels, 12)).toHtmlEscaped();
    };
    // The first line is never elided to nothing: it keeps the labels of a chart distinct.
    const QString name = QStringLiteral("group %1").arg(group.group.id);
    QStringList lines{metrics.horizontalAdvance(name) <= widthPixels ? name : QString::number(group.group.id),
                      fit(QString::fromStdString(group.group.modelLabel))};
    if (!group.summary) {
        lines << fit(QStringLiteral("no runs"));
    } else {
        const QString n = QStringLiteral("n %1").arg(group.summary->n);
        const QString sd = group.summary->sd
                               ? QStringLiteral("sd %1").arg(*group.summary->sd * 100.0, 0, 'f', 2)
                               : QString();
        const QString both = n + QStringLiteral(" · ") + sd;
        if (sd.isEmpty())
            lines << fit(n);
        else if (metrics.horizontalAdvance(both) <= widthPixels)
            lines << both.toHtmlEscaped();
        else
            lines << fit(n) << fit(sd);
    }
    return QStringLiteral("<center>") + lines.join(QStringLiteral("<br>")) + QStringLiteral("</center>");
}

double jitter(int64_t runId)
{
    // splitmix64: neighbouring ids land far apart, so consecutive runs do not line up.
    uint64_t x = static_cast<uint64_t>(runId) + 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return static_cast<double>(x >> 11) / static_cast<double>(1ULL << 53) * 2.0 - 1.0;
}

QColor mix(const QColor& a, const QColor& b, double t)
{
    const auto channel = [t](double x, double y) { return x + (y - x) * t; };
    return QColor::fromRgbF(static_cast<float>(channel(a.redF(), b.redF())),
                            static_cast<float>(channel(a.greenF(), b.greenF())),
                            static_cast<float>(channel(a.blueF(), b.blueF())),
                            static_cast<float>(channel(a.alphaF(), b.alphaF())));
}

QColor groupColor(int index)
{
    static const QColor colors[] = {QColor(0x4c, 0x78, 0xa8), QColor(0xa0, 0x5c, 0xb5),
                                    QColor(0x17, 0xa2, 0xb8), QColor(0xd1, 0x5f, 0xa8),
                                    QColor(0x8c, 0x6d, 0x5a), QColor(0x6f, 0x7f, 0xd8),
                                    QColor(0x7a, 0x86, 0x8f), QColor(0x2f, 0x6e, 0x73)};
    constexpr int count = static_cast<int>(std::size(colors));
    return colors[((index % count) + count) % count];
}

QImage markerImage(MarkerGlyph glyph, double size, const QColor& fill, const QColor& border,
                   double borderWidth)
{
    constexpr double scale = 2.0;
    const int pixels = std::max(2, static_cast<int>(std::ceil(size * scale)));
    QImage image(pixels, pixels, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    // A small marker keeps a thin border, or its fill (the zone colour) would hardly show.
    const double pen = scale * std::min(borderWidth, size / 10.0);
    painter.setPen(QPen(border, pen));
    painter.setBrush(fill);
    const QRectF box = QRectF(0, 0, pixels, pixels).adjusted(pen / 2, pen / 2, -pen / 2, -pen / 2);
    const QPointF c = box.center();
    const double r = box.width() / 2;
    const auto polygon = [&](int corners, double rotation, double innerRatio) {
        QPolygonF points;
        const int count = innerRatio > 0 ? corners * 2 : corners;
        for (int i = 0; i < count; ++i) {
            const double radius = innerRatio > 0 && i % 2 ? r * innerRatio : r;
            const double angle = rotation + 2 * M_PI * i / count;
            points << c + QPointF(radius * std::cos(angle), radius * std::sin(angle));
        }
        painter.drawPolygon(points);
    };
    switch (glyph) {
    case MarkerGlyph::Circle:
        painter.drawEllipse(box);
        break;
    case MarkerGlyph::Square:
        painter.drawRect(box.adjusted(r * 0.12, r * 0.12, -r * 0.12, -r * 0.12));
        break;
    case MarkerGlyph::Triangle:
        // Filling the box, not inscribed in the circle: an inscribed triangle has a third of the
        // box's area and reads as a dot beside the other shapes.
        painter.drawPolygon(QPolygonF{{c.x(), box.top()}, box.bottomRight(), box.bottomLeft()});
        break;
    case MarkerGlyph::Diamond:
        polygon(4, -M_PI / 2, 0);
        break;
    case MarkerGlyph::Pentagon:
        polygon(5, -M_PI / 2, 0);
        break;
    case MarkerGlyph::Star:
        polygon(5, -M_PI / 2, 0.45);
        break;
    }
    return image;
}

void useLightMarker(QScatterSeries* series, const QImage& marker, double size)
{
    series->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    series->setMarkerSize(size);
    series->setLightMarker(marker);
}

void applyPaletteToChart(QChart* chart, const QPalette& palette)
{
    const QColor background = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    chart->setBackgroundBrush(background);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(mix(background, text, 0.45));
        axis->setGridLineColor(mix(background, text, 0.14));
        axis->setMinorGridLineColor(mix(background, text, 0.07));
        axis->setShadesVisible(false);
    }
}

QVector<RunScatter> splitIntoSeries(const QVector<RunPoint>& points,
                                    const std::function<QScatterSeries*()>& make)
{
    constexpr qsizetype perSeries = 200;
    QVector<RunScatter> scatters;
    for (qsizetype start = 0; start == 0 || start < points.size(); start += perSeries) {
        RunScatter scatter;
        scatter.series = make();
        QList<QPointF> positions;
        for (qsizetype i = start; i < std::min(points.size(), start + perSeries); ++i) {
            positions << points[i].position;
            scatter.runIds << points[i].runId;
            scatter.groupIds << points[i].groupId;
        }
        scatter.series->replace(positions);
        scatters.push_back(scatter);
    }
    return scatters;
}

int64_t runAt(const QVector<RunScatter>& scatters, const QScatterSeries* series, const QPointF& point)
{
    for (const RunScatter& scatter : scatters) {
        if (scatter.series != series)
            continue;
        const QList<QPointF> points = scatter.series->points();
        for (qsizetype i = 0; i < points.size(); ++i)
            if (points[i] == point)
                return scatter.runIds.value(i);
    }
    return 0;
}

QVector<ChartWidget::PlottedRun> readBack(const QVector<RunScatter>& scatters)
{
    QVector<ChartWidget::PlottedRun> runs;
    for (const RunScatter& scatter : scatters) {
        const QList<QPointF> points = scatter.series->points();
        for (qsizetype i = 0; i < points.size(); ++i)
            runs.push_back(
                {scatter.runIds.value(i), scatter.groupIds.value(i), points[i], scatter.series->color()});
    }
    return runs;
}

} // namespace nf::ui::charts
