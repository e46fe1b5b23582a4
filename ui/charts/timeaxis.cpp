#include "charts/timeaxis.h"

#include <QDateTime>
#include <algorithm>
#include <cmath>
#include <iterator>

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

} // namespace nf::ui::charts
