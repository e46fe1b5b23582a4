#pragma once

#include <QString>

QT_BEGIN_NAMESPACE
class QWidget;
QT_END_NAMESPACE

namespace nf::ui {

// A warning box over `parent` that does not block (tests find it by its object name,
// "errorMessage"); it deletes itself when closed.
// Messages come here as core made them: what they quote from a user's file is already bounded
// and escaped there (nf::printableExcerpt), so the box shows the same line the CLI prints
// (tests/ui/window_import_test.cpp checks one path).
void showErrorBox(QWidget* parent, const QString& title, const QString& message);

} // namespace nf::ui
