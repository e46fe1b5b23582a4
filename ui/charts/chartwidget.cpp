#include "charts/chartwidget.h"

#include "charts/chartsupport.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QResizeEvent>
#include <QSaveFile>
#include <QScatterSeries>
#include <QSvgGenerator>
#include <QVBoxLayout>

namespace nf::ui {

namespace {

QChart* newChart()
{
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    return chart;
}

} // namespace

ChartWidget::ChartWidget(QWidget* parent) : QWidget(parent)
{
    m_view = new QChartView(newChart(), this);
    m_view->setObjectName(QStringLiteral("chartView"));
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setRenderHint(QPainter::SmoothPixmapTransform);
    m_view->setFrameShape(QFrame::NoFrame);
    // Thousands of marker items are added and removed on every rebuild; keeping them in a BSP
    // index costs more than it saves for one chart.
    m_view->scene()->setItemIndexMethod(QGraphicsScene::NoIndex);
    // The context menu belongs to the chart widget (HistoryChart's pin actions), not the view.
    m_view->setContextMenuPolicy(Qt::NoContextMenu);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    ChartWidget::applyPalette();
}

ChartWidget::~ChartWidget() = default;

QChart* ChartWidget::chart() const
{
    return m_view->chart();
}

QChartView* ChartWidget::chartView() const
{
    return m_view;
}

QChart* ChartWidget::resetChart()
{
    QChart* old = m_view->chart();
    QChart* chart = newChart();
    chart->setGeometry(old->geometry());
    m_view->setChart(chart);
    if (old->scene())
        old->scene()->removeItem(old);
    old->deleteLater();
    m_ring = nullptr;
    return chart;
}

void ChartWidget::setHighlightedRun(int64_t runId)
{
    m_highlighted = runId;
    updateHighlight();
}

QScatterSeries* ChartWidget::addHighlightRing(double markerSize)
{
    m_ring = new QScatterSeries;
    m_ring->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    m_ring->setMarkerSize(markerSize + 9);
    m_ring->setColor(Qt::transparent);
    m_ring->setPen(QPen(palette().color(QPalette::Text), 2.2));
    chart()->addSeries(m_ring);
    // The ring lies over its point and takes the click meant for it.
    connect(m_ring, &QScatterSeries::clicked, this, [this] {
        if (m_highlighted)
            Q_EMIT runClicked(m_highlighted);
    });
    return m_ring;
}

void ChartWidget::updateHighlight()
{
    if (!m_ring)
        return;
    QList<QPointF> ring;
    for (const PlottedRun& run : plottedRuns())
        if (run.runId == m_highlighted)
            ring << run.position;
    m_ring->replace(ring);
}

QWidget* ChartWidget::viewport() const
{
    return m_view->viewport();
}

QPoint ChartWidget::viewportPosition(const QPointF& value) const
{
    const QPointF inChart = chart()->mapToPosition(value);
    return m_view->mapFromScene(chart()->mapToScene(inChart));
}

void ChartWidget::applyPalette()
{
    charts::applyPaletteToChart(chart(), palette());
    m_view->setBackgroundBrush(palette().color(QPalette::Base));
}

void ChartWidget::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void ChartWidget::fitLabelsToWidth(double) {}

void ChartWidget::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitLabelsToWidth(event->size().width());
}

void ChartWidget::renderTo(QPainter* painter, QSize size) const
{
    // The chart is laid out for `size` and drawn from the scene, not grabbed from the screen, so
    // that a widget never shown (a screenshot, an export from a hidden page) draws as well.
    QChart* target = chart();
    const QRectF before = target->geometry();
    // Labels fitted to the image's width are put back afterwards: the widget is unchanged.
    auto* self = const_cast<ChartWidget*>(this);
    self->fitLabelsToWidth(size.width());
    target->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
    if (target->layout())
        target->layout()->activate();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    painter->setRenderHint(QPainter::SmoothPixmapTransform);
    m_view->scene()->render(painter, QRectF(QPointF(0, 0), QSizeF(size)), target->geometry());
    self->fitLabelsToWidth(before.width());
    target->setGeometry(before);
    if (target->layout())
        target->layout()->activate();
}

QImage ChartWidget::renderImage(QSize size) const
{
    if (size.isEmpty())
        size = this->size();
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette().color(QPalette::Base));
    QPainter painter(&image);
    renderTo(&painter, size);
    painter.end();
    return image;
}

bool ChartWidget::saveImage(const QString& path, QString* error) const
{
    const auto fail = [&](const QString& why) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, why);
        return false;
    };
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("png") && suffix != QLatin1String("svg"))
        return fail(QStringLiteral("name the file .png or .svg"));

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    const QSize size = this->size().isEmpty() ? QSize(1000, 600) : this->size();
    if (suffix == QLatin1String("svg")) {
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(size);
        generator.setViewBox(QRect(QPoint(0, 0), size));
        // The screen's resolution, so that text measured for the layout draws at the same size.
        generator.setResolution(logicalDpiX());
        generator.setTitle(chart()->title().isEmpty() ? QStringLiteral("noisefloor chart")
                                                      : chart()->title());
        QPainter painter;
        if (!painter.begin(&generator))
            return fail(QStringLiteral("the SVG writer could not start"));
        painter.fillRect(QRect(QPoint(0, 0), size), palette().color(QPalette::Base));
        renderTo(&painter, size);
        painter.end();
    } else {
        QImageWriter writer(&file, "png");
        if (!writer.write(renderImage(size)))
            return fail(writer.errorString());
    }
    if (!file.commit())
        return fail(file.errorString());
    return true;
}

} // namespace nf::ui
