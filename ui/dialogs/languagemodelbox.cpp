#include "dialogs/languagemodelbox.h"

#include "common/error.h"
#include "engine/prompt.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSettings>
#include <QSpinBox>
#include <algorithm>

namespace nf::ui {
namespace {

template <typename Widget> Widget* named(Widget* widget, const char* name)
{
    widget->setObjectName(QLatin1String(name));
    return widget;
}

// What each template is, for its entry in the list; a template added to the engine later shows
// by its name alone.
QString templateText(const std::string& name)
{
    const QString id = QString::fromStdString(name);
    if (name == "llamafactory")
        return id + LanguageModelBox::tr(" (LLaMA-Factory, English)");
    if (name == "llamafactory-zh")
        return id + LanguageModelBox::tr(" (LLaMA-Factory, Chinese)");
    if (name == "mmlu-original")
        return id + LanguageModelBox::tr(" (the MMLU authors' form)");
    return id;
}

// The tokenizer field's placeholder: where an empty field finds the model's tokenizer.
QString placeholder(bool modelIsFolder)
{
    return modelIsFolder ? LanguageModelBox::tr("tokenizer.json in the model folder")
                         : LanguageModelBox::tr("tokenizer.json beside the model");
}

} // namespace

LanguageModelBox::LanguageModelBox(QWidget* parent) : QGroupBox(tr("Language model"), parent)
{
    setObjectName(QStringLiteral("languageModelBox"));
    auto* form = new QFormLayout(this);

    m_tokenizer = named(new QLineEdit, "tokenizerPath");
    m_tokenizer->setToolTip(
        tr("The model's Hugging Face tokenizer.json; empty: the one in the model folder, or "
           "beside a TorchScript model file"));
    // The placeholder is the default: it must read whole, whichever kind of model is chosen.
    const auto& metrics = m_tokenizer->fontMetrics();
    m_tokenizer->setMinimumWidth(std::max(metrics.horizontalAdvance(placeholder(false)),
                                          metrics.horizontalAdvance(placeholder(true))) +
                                 metrics.averageCharWidth() * 3);
    setModelIsFolder(false);
    auto* browse = named(new QPushButton(tr("Browse…")), "browseTokenizer");
    connect(browse, &QPushButton::clicked, this, &LanguageModelBox::browseTokenizer);
    auto* tokenizerRow = new QHBoxLayout;
    tokenizerRow->addWidget(m_tokenizer, 1);
    tokenizerRow->addWidget(browse);
    auto* tokenizerCaption = new QLabel(tr("To&kenizer file:"));
    tokenizerCaption->setBuddy(m_tokenizer);
    form->addRow(tokenizerCaption, tokenizerRow);

    // The engine's templates, each with what it is.
    auto* promptTemplate = named(new QComboBox, "promptTemplate");
    for (const std::string& name : engine::promptTemplateNames())
        promptTemplate->addItem(templateText(name), QString::fromStdString(name));
    form->addRow(tr("Prompt &template:"), m_settings.bind("template", promptTemplate));

    auto* nShot = m_settings.spinBox("n_shot");
    nShot->setSpecialValueText(tr("0 (zero-shot)"));
    form->addRow(tr("&Few-shot examples:"), nShot);

    auto* shots = m_settings.comboBox("shots", {tr("the first k dev rows"), tr("drawn once per run"),
                                                tr("drawn per question (LLaMA-Factory)")});
    form->addRow(tr("&Shots:"), shots);
    connect(nShot, &QSpinBox::valueChanged, this, [shots](int k) { shots->setEnabled(k > 0); });
    // The shots follow the template (engine::applyDependentDefaults: the MMLU authors' form takes
    // the first k dev rows) while they show the last template's default; a choice of the user's,
    // and what a restored form or plan shows, stay.
    m_shownTemplate = promptTemplate->currentData().toString().toStdString();
    connect(promptTemplate, &QComboBox::currentIndexChanged, this, [this, promptTemplate, shots] {
        const std::string chosen = promptTemplate->currentData().toString().toStdString();
        if (!m_restoring && shots->currentIndex() == static_cast<int>(engine::promptTemplate(m_shownTemplate).shots))
            shots->setCurrentIndex(static_cast<int>(engine::promptTemplate(chosen).shots));
        m_shownTemplate = chosen;
    });

    auto* maxLength = m_settings.spinBox("max_length");
    maxLength->setSuffix(tr(" tokens"));
    connect(maxLength, &QSpinBox::valueChanged, this, &LanguageModelBox::maxLengthChanged);
    form->addRow(tr("Max &length:"), maxLength);

    form->addRow(tr("&Padding side:"), m_settings.comboBox("padding_side", {tr("right"), tr("left")}));
}

LanguageModelBox::~LanguageModelBox() = default;

engine::LanguageModelOptions LanguageModelBox::options() const
{
    engine::EvalConfig config;
    config.lm.emplace();
    m_settings.apply(config);
    return *config.lm;
}

std::string LanguageModelBox::tokenizerPath(const QString& modelPath) const
{
    const QString path = m_tokenizer->text().trimmed();
    if (path.isEmpty()) {
        // A Hugging Face folder holds its tokenizer; a TorchScript file has it beside it.
        const bool folder = QFileInfo(modelPath).isDir();
        const QDir where = folder ? QDir(modelPath) : QFileInfo(modelPath).absoluteDir();
        if (!QFileInfo(where, QStringLiteral("tokenizer.json")).isFile())
            throw InputError(
                QStringLiteral("Tokenizer file: no tokenizer.json %1 (%2); choose the model's "
                               "tokenizer.json")
                    .arg(folder ? QStringLiteral("in the model folder") : QStringLiteral("beside the model"),
                         QDir::toNativeSeparators(where.absolutePath()))
                    .toStdString());
        return {};
    }
    if (!QFileInfo(path).isFile())
        throw InputError(QStringLiteral("Tokenizer file not found: %1").arg(path).toStdString());
    return QFile::encodeName(QFileInfo(path).absoluteFilePath()).toStdString();
}

void LanguageModelBox::setModelIsFolder(bool folder)
{
    m_tokenizer->setPlaceholderText(placeholder(folder));
}

void LanguageModelBox::setOptions(const engine::LanguageModelOptions& options, const QString& tokenizerPath)
{
    m_tokenizer->setText(tokenizerPath);
    engine::EvalConfig config;
    config.lm = options;
    const QScopedValueRollback restoring(m_restoring, true);
    m_settings.show(config);
}

void LanguageModelBox::browseTokenizer()
{
    const QString start = m_tokenizer->text().trimmed();
    const QString path = QFileDialog::getOpenFileName(this, tr("Tokenizer"), QFileInfo(start).absolutePath(),
                                                      tr("Hugging Face tokenizers (*.json);;All files (*)"));
    if (!path.isEmpty())
        m_tokenizer->setText(path);
}

void LanguageModelBox::load(const QSettings& settings)
{
    m_tokenizer->setText(settings.value(QStringLiteral("tokenizerPath")).toString());
    const QScopedValueRollback restoring(m_restoring, true);
    m_settings.load(settings);
}

void LanguageModelBox::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("tokenizerPath"), m_tokenizer->text().trimmed());
    m_settings.save(settings);
}

} // namespace nf::ui
