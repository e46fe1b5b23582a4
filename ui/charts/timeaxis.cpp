#include "charts/timeaxis.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <tuple>

namespace nf::ui::charts {

std::optional<double> startMs(const std::string& iso)
{
    const QString text = QString::fromStdString(iso);
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    if (!time.isValid())
        return std::nullopt;
    return static_cast<double>(time.toMSecsSinceEpoch());
}

TimeAxisRange timeAxisRange(double left, double right)
{
    constexpr double minute = 60 * 1000.0;
    constexpr double hour = 60 * minute;
    constexpr double day = 24 * hour;
    static const double steps[] = {minute,      2 * minute, 5 * minute, 10 * minute, 15 * minute,
                                   30 * minute, hour,       2 * hour,   3 * hour,    6 * hour,
                                   12 * hour,   day,        2 * day,    7 * day,     14 * day,
                                   30 * day,    91 * day,   182 * day,  365 * day};
    const double pad = std::max(0.03 * (right - left), 10 * minute);
    left -= pad;
    right += pad;
    double step = steps[std::size(steps) - 1];
    for (double candidate : steps)
        if ((right - left) / candidate <= 8) {
            step = candidate;
            break;
        }
    // Steps counted in local time, which the axis shows: midnight ticks are local midnights.
    const double offset = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(left)).offsetFromUtc() * 1000.0;
    TimeAxisRange range;
    range.left = std::floor((left + offset) / step) * step - offset;
    range.right = std::ceil((right + offset) / step) * step - offset;
    range.ticks = static_cast<int>(std::lround((range.right - range.left) / step)) + 1;
    const bool oneDay = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(range.left)).date() ==
                        QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(range.right) - 1).date();
    range.format = step >= 30 * day ? QStringLiteral("yyyy-MM-dd")
                   : step >= day    ? QStringLiteral("MMM d")
                   : oneDay         ? QStringLiteral("HH:mm")
                                    : QStringLiteral("MMM d HH:mm");
    return range;
}

RunOrderAxisRange runOrderAxisRange(int count)
{
    count = std::max(count, 1);
    RunOrderAxisRange range;
    for (double scale = 1;; scale *= 10) {
        const double steps[] = {scale, 2 * scale, 5 * scale};
        const auto fits = std::find_if(std::begin(steps), std::end(steps),
                                       [count](double step) { return count / step <= 10; });
        if (fits != std::end(steps)) {
            range.interval = *fits;
            break;
        }
    }
    const double pad = std::max(0.6, 0.03 * count);
    range.left = 1 - pad;
    range.right = count + pad;
    return range;
}

void numberInStartOrder(std::vector<RunStart>& starts)
{
    std::sort(starts.begin(), starts.end(), [](const RunStart& a, const RunStart& b) {
        return std::tie(a.ms, a.runId) < std::tie(b.ms, b.runId);
    });
    for (size_t i = 0; i < starts.size(); ++i)
        starts[i].ms = static_cast<double>(i + 1);
}

QAbstractAxis* makeTimeAxis(double& left, double& right)
{
    if (!std::isfinite(left)) {
        right = static_cast<double>(QDateTime::currentMSecsSinceEpoch());
        left = right - 24 * 3600 * 1000.0;
    }
    const TimeAxisRange time = timeAxisRange(left, right);
    left = time.left;
    right = time.right;
    const QDateTime first = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(left));
    auto* axis = new QDateTimeAxis;
    axis->setRange(first, QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(right)));
    axis->setFormat(time.format);
    axis->setTickCount(time.ticks);
    axis->setTitleText(time.format == QLatin1String("HH:mm")
                           ? QStringLiteral("run start, ") + first.toString(QStringLiteral("yyyy-MM-dd")) +
                                 QStringLiteral(" (local time)")
                           : QStringLiteral("run start (local time)"));
    return axis;
}

QAbstractAxis* makeRunOrderAxis(int runs, double& left, double& right)
{
    const RunOrderAxisRange order = runOrderAxisRange(runs);
    left = order.left;
    right = order.right;
    auto* axis = new QValueAxis;
    axis->setRange(left, right);
    // Ticks on multiples of the interval (5, 10, 15, ...), not counted from the axis's edge.
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(order.interval);
    axis->setLabelFormat(QStringLiteral("%.0f"));
    axis->setTitleText(QStringLiteral("run (in start order)"));
    return axis;
}

} // namespace nf::ui::charts
