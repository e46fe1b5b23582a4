#pragma once

// The New evaluation form's widgets for the evaluation settings (engine/settings.h). Each takes
// its range, default, tooltip and choices from its setting, reads into a config and shows one,
// and is saved under its object name (the camel-case key: "batchSize"), as the form always did.
// Words shown for choices, captions and special texts stay with the form.

#include "engine/settings.h"

#include <QStringList>
#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSettings;
class QSpinBox;
class QWidget;
QT_END_NAMESPACE

namespace nf::ui {

class SettingWidgets
{
public:
    // The setting's choices, shown as `words` (one per choice, in the table's order).
    QComboBox* comboBox(const char* key, const QStringList& words);
    QSpinBox* spinBox(const char* key);
    QDoubleSpinBox* doubleSpinBox(const char* key, int decimals, double step);
    QCheckBox* checkBox(const char* key, const QString& text);
    QLineEdit* lineEdit(const char* key); // typed as the CLI takes it: "MEAN,STD"
    // A combo box made by the form (named, its items' data the setting's words: the devices,
    // the templates) read and shown as the setting.
    QComboBox* bind(const char* key, QComboBox* combo);

    // Sets the config's value of every widget but those of the `skipped` keys. Throws
    // nf::InputError naming the key for text the setting does not take.
    void apply(engine::EvalConfig& config, const QStringList& skipped = {}) const;
    // Shows the config's values; a widget whose setting the config lacks keeps its value, or is
    // emptied when the setting applies but is unset (normalize).
    void show(const engine::EvalConfig& config);
    // Values saved under the widgets' names; a missing or unknown one gives the default.
    void load(const QSettings& settings);
    void save(QSettings& settings) const;

private:
    struct Bound
    {
        const engine::Setting* setting = nullptr;
        QWidget* widget = nullptr;
    };
    QWidget* add(const char* key, QWidget* widget);
    std::optional<engine::SettingValue> value(const Bound& bound) const;
    void setValue(const Bound& bound, const std::optional<engine::SettingValue>& value);

    std::vector<Bound> m_bound;
};

} // namespace nf::ui
