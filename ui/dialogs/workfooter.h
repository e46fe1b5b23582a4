#pragma once

// The lower part shared by the dialogs that read or write on a pool thread (Import, Merge): an
// error line in the suspicious zone's colour, a busy bar with its text, and accept/cancel buttons.

#include <QString>

class QDialog;
class QHBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;

namespace nf::ui {

struct WorkFooter
{
    QLabel* error = nullptr;     // hidden until there is one
    QProgressBar* busyBar = nullptr;
    QLabel* busyText = nullptr;
    QPushButton* accept = nullptr;
    QPushButton* cancel = nullptr;
    QHBoxLayout* bar = nullptr;  // busy bar, busy text, buttons: for the dialog's layout
};

// Object names are prefix + "Error", prefix + "Busy", prefix + "Button" and "cancelButton" (tests
// find the widgets by them); the buttons accept and reject `dialog`.
WorkFooter makeWorkFooter(QDialog* dialog, const QString& prefix, const QString& acceptText);

} // namespace nf::ui
