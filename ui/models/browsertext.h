#pragma once

// Text helpers the run browser's model files share.

#include <QDateTime>
#include <QString>
#include <string>

namespace nf::ui {

inline QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

// A stored ISO-8601 UTC time in local time, to the minute (the text itself when it does not parse).
inline QString localTime(const std::string& iso)
{
    const QDateTime time = QDateTime::fromString(fromStd(iso), Qt::ISODateWithMs);
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : fromStd(iso);
}

} // namespace nf::ui
