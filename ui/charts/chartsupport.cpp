#include "charts/chartsupport.h"

#include "workspace/describe_params.h"
#include "workspace/number_text.h"
#include "charts/zonebands.h"
#include "stats/control_rules.h"
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
    if (run.hidden || run.status != store::RunStatus::Completed || !run.accuracy)
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

namespace {


// The config on at most `maxLines` lines of `width`: whole parts ("sample T=1.00") side by side
// while they fit, a part too wide for a line broken between its words, and only what still does
// not fit elided.
QStringList wrapConfig(const QString& config, const QFontMetrics& metrics, int width, int maxLines)
{
    const QStringList parts = config.split(QStringLiteral(", "), Qt::SkipEmptyParts);
    QStringList lines;
    QString line;
    const auto fits = [&](const QString& text) { return metrics.horizontalAdvance(text) <= width; };
    for (qsizetype p = 0; p < parts.size(); ++p) {
        const QString part = parts[p] + (p + 1 < parts.size() ? QStringLiteral(",") : QString());
        if (!line.isEmpty() && fits(line + QLatin1Char(' ') + part)) {
            line += QLatin1Char(' ') + part;
            continue;
        }
        if (!line.isEmpty())
            lines << line;
        line.clear();
        for (const QString& word : part.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            if (line.isEmpty() || fits(line + QLatin1Char(' ') + word)) {
                line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
            } else {
                lines << line;
                line = word;
            }
        }
    }
    if (!line.isEmpty())
        lines << line;
    if (lines.size() > maxLines) {
        const QString rest = lines.mid(maxLines - 1).join(QLatin1Char(' '));
        lines = lines.mid(0, maxLines - 1);
        lines << rest;
    }
    for (QString& each : lines)
        each = metrics.elidedText(each, Qt::ElideRight, width);
    return lines;
}

} // namespace

QString runToolTip(const store::RunRow& run, const stats::RunStat& stat, const stats::ZoneScale& zones)
{
    QString zone = zoneName(stat.zone);
    if (zones.unit == stats::ZoneUnit::Noise && zones.unitPoints > 0)
        zone += QStringLiteral(", %1 noise units")
                    .arg(QString::fromStdString(
                        workspace::fixedText(std::abs(stat.deviation * 100.0) / zones.unitPoints, 1)));
    QString text = QStringLiteral("run %1 · seed %2\naccuracy %3\ndeviation %4 points (%5)")
                       .arg(run.id)
                       .arg(run.seed)
                       .arg(QString::fromStdString(workspace::fixedText(stat.accuracy * 100.0, 2)),
                            QString::fromStdString(workspace::signedPointsText(stat.deviation)), zone);
    text += stat.z ? QStringLiteral("\nz %1").arg(QString::fromStdString(workspace::fixedText(*stat.z, 1)))
                   : QStringLiteral("\nz – (needs three runs that differ)");
    for (const auto& rule : stat.rules)
        text += QStringLiteral("\nrule: ") + QString::fromStdString(stats::ruleWords(rule));
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
    QToolTip::showText(QCursor::pos(), runToolTip(*run, *stat, zonesOf(group)), view);
    return true;
}

QString zoneLegendText(stats::Zone zone, const stats::ZoneThresholds& thresholds)
{
    stats::ZoneScale points;
    points.thresholds = thresholds;
    return zoneRangeText(zone, points);
}

QString zoneLegendText(stats::Zone zone, const std::vector<GroupAnalysis>& groups)
{
    if (groups.empty())
        return zoneRangeText(zone, stats::ZoneScale{});
    const stats::ZoneScale& first = zonesOf(groups.front());
    const stats::ZoneScale* points = nullptr;
    const stats::ZoneScale* noise = nullptr;
    bool allSame = true;
    bool pointsAgree = true;
    bool noiseAgrees = true;
    for (const GroupAnalysis& group : groups) {
        const stats::ZoneScale& zones = zonesOf(group);
        allSame = allSame && zones.unit == first.unit && sameThresholds(zones.thresholds, first.thresholds);
        const stats::ZoneScale*& seen = zones.unit == stats::ZoneUnit::Noise ? noise : points;
        if (seen) {
            const bool agree = zones.unit == stats::ZoneUnit::Noise
                                   ? sameThresholds(zones.noiseMultiples, seen->noiseMultiples)
                                   : sameThresholds(zones.thresholds, seen->thresholds);
            (zones.unit == stats::ZoneUnit::Noise ? noiseAgrees : pointsAgree) &= agree;
        }
        seen = seen ? seen : &zones;
    }
    if (allSame)
        return zoneRangeText(zone, first);
    if (!pointsAgree || !noiseAgrees)
        return zoneName(zone);
    QStringList bounds;
    if (points)
        bounds << zoneBoundsText(zone, *points);
    if (noise)
        bounds << zoneBoundsText(zone, *noise, /*withPoints=*/false);
    return zoneName(zone) + QLatin1Char(' ') + bounds.join(QStringLiteral(" or "));
}

QStringList distinguishingConfigs(const std::vector<GroupAnalysis>& groups)
{
    std::vector<QStringList> parts;
    for (const GroupAnalysis& group : groups)
        parts.push_back(QString::fromStdString(workspace::describeParams(group.group.paramsJson))
                            .split(QStringLiteral(", "), Qt::SkipEmptyParts));
    QStringList configs;
    for (const QStringList& own : parts) {
        QStringList kept;
        for (const QString& part : own) {
            const bool everywhere = std::all_of(
                parts.begin(), parts.end(), [&](const QStringList& other) { return other.contains(part); });
            if (parts.size() == 1 || !everywhere)
                kept << part;
        }
        configs << kept.join(QStringLiteral(", "));
    }
    return configs;
}

QStringList distinguishingModelEnds(const std::vector<GroupAnalysis>& groups)
{
    std::vector<QStringList> words;
    for (const GroupAnalysis& group : groups)
        words.push_back(
            QString::fromStdString(group.group.modelLabel).split(QLatin1Char(' '), Qt::SkipEmptyParts));
    qsizetype common = 0;
    const auto allShare = [&](qsizetype at) {
        return std::all_of(words.begin(), words.end(), [&](const QStringList& own) {
            return at + 1 < own.size() && own[at] == words.front()[at];
        });
    };
    while (words.size() > 1 && allShare(common))
        ++common;
    QStringList ends;
    for (const QStringList& own : words)
        ends << (common > 0 ? own.mid(common).join(QLatin1Char(' ')) : QString());
    return ends;
}

QString groupSlotHtml(const GroupAnalysis& group, const QFontMetrics& metrics, int widthPixels,
                      const QString& config, const QString& modelEnd)
{
    // Qt Charts shortens a label that is too wide from its end, dropping whole lines: every line
    // is kept within the width instead, and n and sd get a line each under a narrow slot.
    const int width = std::max(widthPixels, 12);
    const auto fit = [&](const QString& line) {
        return metrics.elidedText(line, Qt::ElideRight, width).toHtmlEscaped();
    };
    const auto fits = [&](const QString& line) { return metrics.horizontalAdvance(line) <= width; };
    // The first line is never elided to nothing: it keeps the labels of a chart distinct.
    const QString name = QStringLiteral("group %1").arg(group.group.id);
    // The model's name gives way first, on one line: what its start shares with the other
    // models' is elided before its own end ("demo M… 3 epochs"). The config, on as many as
    // three lines, is what tells a model's groups apart.
    const QString model = QString::fromStdString(group.group.modelLabel);
    QString modelLine = metrics.elidedText(model, Qt::ElideRight, width);
    if (!fits(model) && !modelEnd.isEmpty() && model.endsWith(modelEnd)) {
        const QString end = QLatin1Char(' ') + modelEnd;
        const int room = width - metrics.horizontalAdvance(end);
        const QString start = model.left(model.size() - modelEnd.size()).trimmed();
        // Only a start that keeps a few letters before its ellipsis says anything.
        const QString shortStart = room >= 5 * metrics.averageCharWidth()
                                       ? metrics.elidedText(start, Qt::ElideRight, room)
                                       : QStringLiteral("…");
        modelLine = metrics.elidedText(shortStart + end, Qt::ElideRight, width);
    }
    QStringList lines{metrics.horizontalAdvance(name) <= widthPixels ? name : QString::number(group.group.id),
                      modelLine.toHtmlEscaped()};
    for (const QString& line : wrapConfig(config, metrics, width, 3))
        lines << line.toHtmlEscaped();
    if (!group.summary) {
        lines << fit(QStringLiteral("no runs"));
    } else {
        const QString n = QStringLiteral("n %1").arg(group.summary->n);
        const QString sd = group.summary->sd ? QStringLiteral("sd %1").arg(QString::fromStdString(
                                                   workspace::fixedText(*group.summary->sd * 100.0, 2)))
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
