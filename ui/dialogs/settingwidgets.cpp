#include "dialogs/settingwidgets.h"

#include <climits>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSettings>
#include <QSpinBox>
#include <algorithm>
#include <cmath>

namespace nf::ui {
namespace {

// "batch_size" -> "batchSize": the object name tests find and the name the form's fields are
// saved under.
QString camelCase(const char* key)
{
    QString name;
    bool upper = false;
    for (const char* c = key; *c; ++c) {
        if (*c == '_')
            upper = true;
        else
            name += upper ? QChar::fromLatin1(*c).toUpper() : QChar::fromLatin1(*c);
        if (*c != '_')
            upper = false;
    }
    return name;
}

// The spin box's bounds: the setting's range (above an excluded minimum by one step), up to
// its form maximum and what an int holds.
double lowest(const engine::Setting& setting, double step)
{
    return setting.range.minimum + (setting.range.minimumExcluded ? step : 0.0);
}

double highest(const engine::Setting& setting)
{
    const double maximum = setting.formMaximum > 0 ? setting.formMaximum : setting.range.maximum;
    return std::min(maximum, static_cast<double>(INT_MAX));
}

QString tooltip(const engine::Setting& setting)
{
    return QString::fromUtf8(setting.about ? setting.about : setting.help);
}

} // namespace

QWidget* SettingWidgets::add(const char* key, QWidget* widget)
{
    const engine::Setting& setting = engine::setting(key);
    if (widget->objectName().isEmpty())
        widget->setObjectName(camelCase(key));
    if (widget->toolTip().isEmpty())
        widget->setToolTip(tooltip(setting));
    m_bound.push_back({&setting, widget});
    setValue(m_bound.back(), setting.defaultValue());
    return widget;
}

QComboBox* SettingWidgets::comboBox(const char* key, const QStringList& words)
{
    const auto& choices = engine::setting(key).choices;
    Q_ASSERT(static_cast<size_t>(words.size()) == choices.size());
    auto* combo = new QComboBox;
    for (size_t i = 0; i < choices.size(); ++i)
        combo->addItem(words.value(static_cast<qsizetype>(i)), QString::fromStdString(choices[i]));
    add(key, combo);
    return combo;
}

QComboBox* SettingWidgets::bind(const char* key, QComboBox* combo)
{
    add(key, combo);
    return combo;
}

QSpinBox* SettingWidgets::spinBox(const char* key)
{
    const engine::Setting& setting = engine::setting(key);
    auto* spin = new QSpinBox;
    spin->setRange(static_cast<int>(lowest(setting, 1)), static_cast<int>(highest(setting)));
    add(key, spin);
    return spin;
}

QDoubleSpinBox* SettingWidgets::doubleSpinBox(const char* key, int decimals, double step)
{
    const engine::Setting& setting = engine::setting(key);
    auto* spin = new QDoubleSpinBox;
    spin->setDecimals(decimals);
    spin->setSingleStep(step);
    spin->setRange(lowest(setting, std::pow(10.0, -decimals)), highest(setting));
    add(key, spin);
    return spin;
}

QCheckBox* SettingWidgets::checkBox(const char* key, const QString& text)
{
    auto* check = new QCheckBox(text);
    add(key, check);
    return check;
}

QLineEdit* SettingWidgets::lineEdit(const char* key)
{
    auto* edit = new QLineEdit;
    add(key, edit);
    return edit;
}

std::optional<engine::SettingValue> SettingWidgets::value(const Bound& bound) const
{
    if (auto* combo = qobject_cast<QComboBox*>(bound.widget))
        return combo->currentData().toString().toStdString();
    if (auto* spin = qobject_cast<QSpinBox*>(bound.widget))
        return int64_t{spin->value()};
    if (auto* spin = qobject_cast<QDoubleSpinBox*>(bound.widget))
        return spin->value();
    if (auto* check = qobject_cast<QCheckBox*>(bound.widget))
        return check->isChecked();
    const QString text = qobject_cast<QLineEdit*>(bound.widget)->text().remove(QLatin1Char(' '));
    if (text.isEmpty())
        return std::nullopt;
    return engine::parseSettingText(*bound.setting, text.toStdString());
}

void SettingWidgets::setValue(const Bound& bound, const std::optional<engine::SettingValue>& value)
{
    if (auto* combo = qobject_cast<QComboBox*>(bound.widget)) {
        // A word this machine lacks (cuda:1 saved on another computer) gives the default.
        int index = value ? combo->findData(QString::fromStdString(std::get<std::string>(*value))) : -1;
        if (index < 0) {
            const auto fallback = bound.setting->defaultValue();
            index = fallback ? combo->findData(QString::fromStdString(std::get<std::string>(*fallback))) : -1;
        }
        combo->setCurrentIndex(std::max(0, index));
    } else if (auto* spin = qobject_cast<QSpinBox*>(bound.widget)) {
        if (value)
            spin->setValue(static_cast<int>(
                std::clamp<int64_t>(std::get<int64_t>(*value), spin->minimum(), spin->maximum())));
    } else if (auto* spin = qobject_cast<QDoubleSpinBox*>(bound.widget)) {
        if (value)
            spin->setValue(std::get<double>(*value));
    } else if (auto* check = qobject_cast<QCheckBox*>(bound.widget)) {
        if (value)
            check->setChecked(std::get<bool>(*value));
    } else if (auto* edit = qobject_cast<QLineEdit*>(bound.widget)) {
        edit->setText(value ? QString::fromStdString(engine::settingText(*bound.setting, *value))
                            : QString());
    }
}

void SettingWidgets::apply(engine::EvalConfig& config, const QStringList& skipped) const
{
    for (const Bound& bound : m_bound) {
        if (skipped.contains(QLatin1String(bound.setting->key)))
            continue;
        if (const auto current = value(bound))
            bound.setting->set(config, *current);
    }
}

void SettingWidgets::show(const engine::EvalConfig& config)
{
    for (const Bound& bound : m_bound) {
        const auto current = bound.setting->get(config);
        if (current || bound.setting->appliesTo(config))
            setValue(bound, current);
    }
}

void SettingWidgets::load(const QSettings& settings)
{
    for (const Bound& bound : m_bound) {
        const QVariant saved = settings.value(bound.widget->objectName());
        if (!saved.isValid()) {
            setValue(bound, bound.setting->defaultValue());
            continue;
        }
        if (auto* edit = qobject_cast<QLineEdit*>(bound.widget)) {
            edit->setText(saved.toString()); // as typed, checked when the form is read
            continue;
        }
        switch (bound.setting->type) {
        case engine::SettingType::Flag:
            setValue(bound, saved.toBool());
            break;
        case engine::SettingType::Integer:
            setValue(bound, int64_t{saved.toLongLong()});
            break;
        case engine::SettingType::Number:
            setValue(bound, saved.toDouble());
            break;
        default:
            setValue(bound, saved.toString().toStdString());
            break;
        }
    }
}

void SettingWidgets::save(QSettings& settings) const
{
    for (const Bound& bound : m_bound) {
        QVariant saved;
        if (auto* combo = qobject_cast<QComboBox*>(bound.widget))
            saved = combo->currentData().toString();
        else if (auto* spin = qobject_cast<QSpinBox*>(bound.widget))
            saved = spin->value();
        else if (auto* spin = qobject_cast<QDoubleSpinBox*>(bound.widget))
            saved = spin->value();
        else if (auto* check = qobject_cast<QCheckBox*>(bound.widget))
            saved = check->isChecked();
        else if (auto* edit = qobject_cast<QLineEdit*>(bound.widget))
            saved = edit->text().trimmed();
        settings.setValue(bound.widget->objectName(), saved);
    }
}

} // namespace nf::ui
