#pragma once

// The New-evaluation form's "Language model" group: the tokenizer and the prompt knobs of a causal
// LM on a multiple-choice task (engine::LanguageModelOptions). Shown only for MCQ tasks.

#include "dialogs/settingwidgets.h"
#include "engine/config.h"

#include <QGroupBox>
#include <string>

QT_BEGIN_NAMESPACE
class QLineEdit;
class QSettings;
QT_END_NAMESPACE

namespace nf::ui {

class LanguageModelBox : public QGroupBox
{
    Q_OBJECT
public:
    explicit LanguageModelBox(QWidget* parent = nullptr);
    ~LanguageModelBox() override;

    engine::LanguageModelOptions options() const;
    // The tokenizer file a plan names: absolute, or empty for the model's own (tokenizer.json in a
    // model folder, or beside a model file). Throws nf::InputError naming the field when the file
    // named, or the model's own when none is named, does not exist.
    std::string tokenizerPath(const QString& modelPath) const;
    void setOptions(const engine::LanguageModelOptions& options, const QString& tokenizerPath);
    // The tokenizer field's placeholder says where the model's own tokenizer.json is looked for.
    void setModelIsFolder(bool folder);

    void load(const QSettings& settings);
    void save(QSettings& settings) const;

Q_SIGNALS:
    // The prompt length a model folder is sized for changed.
    void maxLengthChanged();

private:
    void browseTokenizer();

    QLineEdit* m_tokenizer = nullptr;
    SettingWidgets m_settings; // template, shots, prompt length, padding
    std::string m_shownTemplate; // whose default shots the Shots box may show
    bool m_restoring = false;    // while a saved form or a plan is shown: the shots are as given
};

} // namespace nf::ui
