#pragma once

// What the New evaluation tests do to a dialog: find a field by object name, click Start and read
// the warning it raises.

#include <gtest/gtest.h>

#include <filesystem>

#include <QCoreApplication>
#include <QDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTest>

namespace nf::test {

// The New evaluation dialog remembers its form in QSettings: keep them in `folder`, empty.
inline void useScratchSettings(const std::filesystem::path& folder)
{
    QCoreApplication::setOrganizationName(QStringLiteral("noisefloor-test"));
    QCoreApplication::setApplicationName(QStringLiteral("nf_ui_evaluation_test"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, QString::fromStdString(folder.string()));
    QSettings().clear();
}

template <typename Widget> Widget* formField(const QWidget& dialog, const char* name)
{
    auto* widget = dialog.findChild<Widget*>(QLatin1String(name));
    EXPECT_NE(widget, nullptr) << name;
    return widget;
}

// Clicks Start and returns the warning it shows (closing it), or "" when none comes.
inline QString startError(QDialog& dialog)
{
    formField<QPushButton>(dialog, "startButton")->click();
    QMessageBox* box = nullptr;
    if (!QTest::qWaitFor(
            [&] { return (box = dialog.findChild<QMessageBox*>(QStringLiteral("inputError"))) != nullptr; }, 5000))
        return {};
    const QString text = box->text();
    delete box;
    return text;
}

} // namespace nf::test
