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
#include <QSettings>
#include <QSpinBox>
#include <algorithm>

namespace nf::ui {
namespace {

constexpr int kMostShots = 10;

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

void setComboData(QComboBox* combo, const QString& value)
{
    combo->setCurrentIndex(std::max(0, combo->findData(value)));
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

    m_template = named(new QComboBox, "promptTemplate");
    for (const std::string& name : engine::promptTemplateNames())
        m_template->addItem(templateText(name), QString::fromStdString(name));
    m_template->setToolTip(tr("How a question and its few-shot examples become the prompt"));
    form->addRow(tr("Prompt &template:"), m_template);

    m_nShot = named(new QSpinBox, "nShot");
    m_nShot->setRange(0, kMostShots);
    m_nShot->setValue(5);
    m_nShot->setSpecialValueText(tr("0 (zero-shot)"));
    m_nShot->setToolTip(tr("Examples from the subject's dev rows put before each question"));
    form->addRow(tr("&Few-shot examples:"), m_nShot);

    m_shots = named(new QComboBox, "shots");
    m_shots->addItem(tr("the first k dev rows"), QStringLiteral("first"));
    m_shots->addItem(tr("drawn once per run"), QStringLiteral("per-run"));
    m_shots->addItem(tr("drawn per question (LLaMA-Factory)"), QStringLiteral("per-item"));
    m_shots->setCurrentIndex(2);
    m_shots->setToolTip(tr("Which dev rows are the examples; drawn ones follow the run's seed, "
                           "a real source of run-to-run variance"));
    form->addRow(tr("&Shots:"), m_shots);
    connect(m_nShot, &QSpinBox::valueChanged, this, [this](int k) { m_shots->setEnabled(k > 0); });

    m_maxLength = named(new QSpinBox, "maxLength");
    m_maxLength->setRange(8, 1 << 20);
    m_maxLength->setValue(2048);
    m_maxLength->setSuffix(tr(" tokens"));
    m_maxLength->setToolTip(tr("Longer prompts drop examples from the front, then lose tokens on the left"));
    connect(m_maxLength, &QSpinBox::valueChanged, this, &LanguageModelBox::maxLengthChanged);
    form->addRow(tr("Max &length:"), m_maxLength);

    m_padding = named(new QComboBox, "paddingSide");
    m_padding->addItem(tr("right"), QStringLiteral("right"));
    m_padding->addItem(tr("left"), QStringLiteral("left"));
    m_padding->setToolTip(tr("The side batches are padded on; the run is refused when the model's answer "
                             "changes with padding"));
    form->addRow(tr("&Padding side:"), m_padding);
}

LanguageModelBox::~LanguageModelBox() = default;

engine::LanguageModelOptions LanguageModelBox::options() const
{
    engine::LanguageModelOptions options;
    options.promptTemplate = m_template->currentData().toString().toStdString();
    options.nShot = m_nShot->value();
    options.shots = engine::parseShotSelection(m_shots->currentData().toString().toStdString());
    options.maxLength = m_maxLength->value();
    options.paddingSide = engine::parsePaddingSide(m_padding->currentData().toString().toStdString());
    return options;
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
    setComboData(m_template, QString::fromStdString(options.promptTemplate));
    m_nShot->setValue(options.nShot);
    setComboData(m_shots, QString::fromLatin1(engine::toString(options.shots)));
    m_maxLength->setValue(options.maxLength);
    setComboData(m_padding, QString::fromLatin1(engine::toString(options.paddingSide)));
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
    const engine::LanguageModelOptions defaults;
    engine::LanguageModelOptions options;
    options.promptTemplate =
        settings.value(QStringLiteral("promptTemplate"), QString::fromStdString(defaults.promptTemplate))
            .toString()
            .toStdString();
    options.nShot =
        std::clamp(settings.value(QStringLiteral("nShot"), defaults.nShot).toInt(), 0, kMostShots);
    try {
        options.shots =
            engine::parseShotSelection(settings.value(QStringLiteral("shots")).toString().toStdString());
    } catch (const std::exception&) {
        options.shots = defaults.shots; // none saved yet, or a word from another version
    }
    options.maxLength = settings.value(QStringLiteral("maxLength"), defaults.maxLength).toInt();
    try {
        options.paddingSide =
            engine::parsePaddingSide(settings.value(QStringLiteral("paddingSide")).toString().toStdString());
    } catch (const std::exception&) {
        options.paddingSide = defaults.paddingSide;
    }
    setOptions(options, settings.value(QStringLiteral("tokenizerPath")).toString());
}

void LanguageModelBox::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("tokenizerPath"), m_tokenizer->text().trimmed());
    settings.setValue(QStringLiteral("promptTemplate"), m_template->currentData().toString());
    settings.setValue(QStringLiteral("nShot"), m_nShot->value());
    settings.setValue(QStringLiteral("shots"), m_shots->currentData().toString());
    settings.setValue(QStringLiteral("maxLength"), m_maxLength->value());
    settings.setValue(QStringLiteral("paddingSide"), m_padding->currentData().toString());
}

} // namespace nf::ui
