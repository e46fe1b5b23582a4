#pragma once

#include <QString>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace nf::ui {

// A warning box over `parent` that does not block (tests find it by its object name,
// "errorMessage"); it deletes itself when closed.
void showErrorBox(QWidget* parent, const QString& title, const QString& message);

} // namespace nf::ui
