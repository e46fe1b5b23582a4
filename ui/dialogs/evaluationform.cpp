#include "dialogs/evaluationform.h"

#include "common/error.h"
#include "dialogs/formtext.h"
#include "dialogs/languagemodelbox.h"
#include "dialogs/modelcheck.h"
#include "engine/config.h"
#include "formats/mcq.h"
#include "zonetext.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace nf::ui {
namespace {

// The task list's entries that open a chooser rather than name a task: their data.
const QString kChooseIdx = QStringLiteral("choose:idx");
const QString kChooseBenchmark = QStringLiteral("choose:benchmark");
const QString kChooseJsonl = QStringLiteral("choose:jsonl");

using engine::kClassifierBatchSize;
using engine::kLanguageModelBatchSize;

// How long the model summary waits for the fields it reads to stop changing.
constexpr int kSummaryDelayMs = 250;

template <typename Widget> Widget* named(Widget* widget, const char* name)
{
    widget->setObjectName(QLatin1String(name));
    return widget;
}

} // namespace

EvaluationForm::EvaluationForm(QWidget* parent) : QWidget(parent)
{
    m_lm = new LanguageModelBox;
    auto* left = new QVBoxLayout;
    left->addWidget(buildModelBox());
    left->addWidget(buildDecodingBox());
    left->addStretch(1);
    auto* right = new QVBoxLayout;
    right->addWidget(buildRuntimeBox());
    right->addWidget(m_lm);
    right->addStretch(1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(left, 3);
    layout->addLayout(right, 2);
    // Connected once every field exists: filling the task list already emits it.
    connect(m_task, &QComboBox::editTextChanged, this, [this](const QString& text) {
        const int item = m_task->findText(text);
        if (item < 0 || !m_task->itemData(item).toString().startsWith(QStringLiteral("choose:")))
            m_taskBeforeChooser = text;
        updateFields();
    });

    // What a model folder's summary depends on: the folder and adapter, how the weights are held
    // (dtype, device) and how big a batch is (batch size, prompt length).
    m_summaryTimer = new QTimer(this);
    m_summaryTimer->setSingleShot(true);
    m_summaryTimer->setInterval(kSummaryDelayMs);
    connect(m_summaryTimer, &QTimer::timeout, this, &EvaluationForm::updateModelSummary);
    const auto schedule = [this] { m_summaryTimer->start(); };
    connect(m_modelPath, &QLineEdit::textChanged, this, schedule);
    connect(m_adapterPath, &QLineEdit::textChanged, this, schedule);
    connect(m_dtype, &QComboBox::currentIndexChanged, this, schedule);
    connect(m_device, &QComboBox::currentIndexChanged, this, schedule);
    connect(m_batchSize, &QSpinBox::valueChanged, this, schedule);
    connect(m_lm, &LanguageModelBox::maxLengthChanged, this, schedule);
    updateFields();
}

EvaluationForm::~EvaluationForm() = default;

void EvaluationForm::setModelPath(const QString& path)
{
    m_modelPath->setText(path);
}

void EvaluationForm::setAdapterPath(const QString& path)
{
    m_adapterPath->setText(path);
}

void EvaluationForm::setOnThisMachine(bool onThisMachine)
{
    m_onThisMachine = onThisMachine;
    m_summaryTimer->start();
}

bool EvaluationForm::isMcqTask() const
{
    return formats::isMcqSpec(taskSpec().toStdString());
}

void EvaluationForm::updateFields()
{
    // A language model on a multiple-choice task has no image input and no MC-dropout (the engine
    // refuses it): those rows go, its prompt knobs come.
    const bool mcq = isMcqTask();
    m_lm->setVisible(mcq);
    // A LoRA adapter merges into a language model's folder.
    m_modelForm->setRowVisible(m_adapterCaption, mcq);
    m_runtimeForm->setRowVisible(m_input, !mcq);
    m_runtimeForm->setRowVisible(m_normalize, !mcq);
    m_decodingForm->setRowVisible(m_dropout, !mcq);
    if (mcq != m_mcqShown) {
        // The other kind's default becomes this kind's; a size the user typed stays.
        if (m_batchSize->value() == (mcq ? kClassifierBatchSize : kLanguageModelBatchSize))
            m_batchSize->setValue(mcq ? kLanguageModelBatchSize : kClassifierBatchSize);
        m_mcqShown = mcq;
    }
    m_topK->setSpecialValueText(mcq ? tr("all choices") : tr("all classes"));
    m_modelPath->setPlaceholderText(
        mcq ? tr("Hugging Face model folder or TorchScript causal LM (.pt): browse or drop it here")
            : tr("TorchScript classifier or causal LM (.pt): browse or drop it here"));

    const bool sampling = m_decoding->currentData().toString() == QStringLiteral("sample");
    m_temperatures->setEnabled(sampling);
    m_topK->setEnabled(sampling);
    m_topP->setEnabled(sampling);
    try {
        const auto count = parseSeedsText(m_seeds->text()).size();
        m_seedsHint->setText(count == 1 ? tr("1 run") : tr("%1 runs").arg(count));
    } catch (const std::exception&) {
        m_seedsHint->setText(QString());
    }
    // The task decides whether the adapter applies and whether a model folder can run it.
    if (m_summaryTimer)
        m_summaryTimer->start();
}

QWidget* EvaluationForm::buildModelBox()
{
    auto* box = new QGroupBox(tr("Model and task"));
    auto* form = new QFormLayout(box);
    m_modelForm = form;

    m_modelPath = named(new QLineEdit, "modelPath");
    // Drops go to the dialog, which takes a .pt file or a model folder, rather than into the text
    // as a URL.
    m_modelPath->setAcceptDrops(false);
    // Room for a folder's name with its parent, beside two buttons.
    m_modelPath->setMinimumWidth(m_modelPath->fontMetrics().averageCharWidth() * 32);
    auto* browse = named(new QPushButton(tr("Browse…")), "browseModel");
    browse->setToolTip(tr("A TorchScript model file (.pt)"));
    connect(browse, &QPushButton::clicked, this, &EvaluationForm::browseModel);
    auto* browseFolder = named(new QPushButton(tr("Folder…")), "browseModelFolder");
    browseFolder->setToolTip(tr("A Hugging Face model folder: config.json and safetensors weights "
                                "(Llama, Mistral, Qwen2, Qwen3)"));
    connect(browseFolder, &QPushButton::clicked, this, &EvaluationForm::browseModelFolder);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_modelPath, 1);
    modelRow->addWidget(browse);
    modelRow->addWidget(browseFolder);
    auto* modelCaption = new QLabel(tr("&Model:"));
    modelCaption->setBuddy(m_modelPath);
    form->addRow(modelCaption, modelRow);

    m_adapterPath = named(new QLineEdit, "adapterPath");
    m_adapterPath->setAcceptDrops(false);
    m_adapterPath->setClearButtonEnabled(true);
    m_adapterPath->setPlaceholderText(tr("none: a PEFT LoRA adapter folder"));
    m_adapterPath->setToolTip(tr("adapter_config.json and adapter_model.safetensors, merged into the model "
                                 "folder's weights when it loads"));
    auto* browseAdapter = named(new QPushButton(tr("Browse…")), "browseAdapter");
    connect(browseAdapter, &QPushButton::clicked, this, &EvaluationForm::browseAdapter);
    auto* adapterRow = new QHBoxLayout;
    adapterRow->addWidget(m_adapterPath, 1);
    adapterRow->addWidget(browseAdapter);
    m_adapterCaption = new QLabel(tr("&Adapter:"));
    m_adapterCaption->setBuddy(m_adapterPath);
    form->addRow(m_adapterCaption, adapterRow);

    // What a model folder holds, or what is wrong with the two fields above.
    m_modelSummary = named(new QLabel, "modelSummary");
    m_modelSummary->setWordWrap(true);
    m_modelSummary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_modelSummary->installEventFilter(this);
    form->addRow(QString(), m_modelSummary);
    form->setRowVisible(m_modelSummary, false);

    m_modelLabel = named(new QLineEdit, "modelLabel");
    m_modelLabel->setPlaceholderText(tr("the file's or folder's name"));
    form->addRow(tr("Model &label:"), m_modelLabel);

    m_task = named(new QComboBox, "task");
    m_task->setEditable(true);
    m_task->setInsertPolicy(QComboBox::NoInsert);
    m_task->addItem(tr("Fashion-MNIST (test split)"), QStringLiteral("fashion-mnist:test"));
    m_task->addItem(tr("Fashion-MNIST (train split)"), QStringLiteral("fashion-mnist:train"));
    m_task->addItem(tr("IDX files…"), kChooseIdx);
    m_task->addItem(tr("MMLU, CMMLU or C-Eval folder…"), kChooseBenchmark);
    m_task->addItem(tr("JSONL questions file…"), kChooseJsonl);
    m_task->setToolTip(tr("A preset, files to choose, or a spec: idx:IMAGES,LABELS, mmlu:DIR[:test|val|dev], "
                          "cmmlu:DIR[:test|dev], ceval:DIR[:val|dev] or jsonl:FILE"));
    m_task->setMinimumContentsLength(32);
    m_task->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    connect(m_task, &QComboBox::activated, this, [this](int index) {
        const QString data = m_task->itemData(index).toString();
        if (data.startsWith(QStringLiteral("choose:")))
            chooseTaskFiles(data);
    });
    form->addRow(tr("&Task:"), m_task);

    m_seeds = named(new QLineEdit, "seeds");
    m_seeds->setPlaceholderText(tr("1-5 or 1,2,3"));
    m_seeds->setToolTip(tr("One run per seed: a range (1-5), a list (1,2,3) or both (1-3, 7)"));
    m_seedsHint = named(new QLabel, "seedsHint");
    m_seedsHint->setEnabled(false); // drawn in the palette's muted text colour
    connect(m_seeds, &QLineEdit::textChanged, this, &EvaluationForm::updateFields);
    auto* seedsRow = new QHBoxLayout;
    seedsRow->addWidget(m_seeds, 1);
    seedsRow->addWidget(m_seedsHint);
    auto* seedsCaption = new QLabel(tr("S&eeds:"));
    seedsCaption->setBuddy(m_seeds);
    form->addRow(seedsCaption, seedsRow);

    m_label = named(new QLineEdit, "label");
    m_label->setPlaceholderText(tr("optional, stored with each run"));
    form->addRow(tr("&Run label:"), m_label);
    return box;
}

QString EvaluationForm::taskSpec() const
{
    const QString text = m_task->currentText().trimmed();
    const int preset = m_task->findText(text);
    if (preset < 0)
        return text;
    const QString data = m_task->itemData(preset).toString();
    return data.startsWith(QStringLiteral("choose:")) ? QString() : data;
}

void EvaluationForm::setTaskSpec(const QString& spec)
{
    const int preset = spec.isEmpty() ? -1 : m_task->findData(spec);
    if (preset >= 0)
        m_task->setCurrentIndex(preset);
    else
        m_task->setEditText(spec);
    updateFields();
}

namespace {

// An absolute path without a trailing slash (a folder's name is then its last part), as the
// plan and the store keep it.
std::string planPath(const QString& path)
{
    return QFile::encodeName(QDir::cleanPath(QFileInfo(path).absoluteFilePath())).toStdString();
}

} // namespace

QString EvaluationForm::checkModel(const QString& path, const QString& adapter, bool mcq) const
{
    if (!mcq && isModelFolder(path))
        throw InputError(
            QStringLiteral("Model: %1 is a Hugging Face language model; choose a multiple-choice "
                           "task (MMLU, CMMLU, C-Eval or JSONL) for it, or a TorchScript "
                           "classifier for an image task")
                .arg(QDir::toNativeSeparators(path))
                .toStdString());
    return checkModelFields(path, adapter, runtimeConfig(true), m_onThisMachine);
}

engine::RunPlan EvaluationForm::base() const
{
    const QString path = m_modelPath->text().trimmed();
    const QString spec = taskSpec();
    const bool mcq = formats::isMcqSpec(spec.toStdString());
    // Hidden with an image task, where it cannot apply.
    const QString adapter = mcq ? m_adapterPath->text().trimmed() : QString();
    checkModel(path, adapter, mcq);
    if (spec.isEmpty())
        throw InputError("Task: choose Fashion-MNIST, IDX files, a benchmark folder or a JSONL file");
    checkTaskFiles(spec);

    engine::RunPlan plan;
    plan.modelPath = planPath(path);
    if (!adapter.isEmpty())
        plan.adapterPath = planPath(adapter);
    plan.modelLabel = m_modelLabel->text().trimmed().toStdString();
    plan.taskSpec = spec.toStdString();
    plan.seeds = parseSeedsText(m_seeds->text());
    plan.label = m_label->text().trimmed().toStdString();
    plan.config = runtimeConfig(mcq);
    if (mcq)
        plan.tokenizerPath = m_lm->tokenizerPath(path);
    return plan;
}

std::vector<engine::RunPlan> EvaluationForm::plans() const
{
    const engine::RunPlan common = base();
    std::vector<engine::RunPlan> plans;
    if (common.config.decoding == engine::Decoding::Greedy) {
        plans.push_back(common);
    } else {
        for (const double temperature : parseTemperatures(m_temperatures->text())) {
            engine::RunPlan plan = common;
            // Sampling at temperature 0 is the argmax: its own group, run greedily.
            if (temperature == 0)
                plan.config.decoding = engine::Decoding::Greedy;
            else
                plan.config.temperature = temperature;
            plans.push_back(std::move(plan));
        }
    }
    for (const auto& plan : plans)
        engine::validate(plan.config);
    return plans;
}

void EvaluationForm::setPlan(const engine::RunPlan& plan)
{
    m_modelPath->setText(QFile::decodeName(plan.modelPath.c_str()));
    m_adapterPath->setText(QFile::decodeName(plan.adapterPath.c_str()));
    m_modelLabel->setText(QString::fromStdString(plan.modelLabel));
    setTaskSpec(QString::fromStdString(plan.taskSpec));
    m_seeds->setText(seedsText(plan.seeds));
    m_label->setText(QString::fromStdString(plan.label));
    const auto& config = plan.config;
    m_temperatures->setText(QString::number(config.temperature));
    m_requestedDevice = QString::fromStdString(config.device);
    m_settings.show(config);
    if (config.lm)
        m_lm->setOptions(*config.lm, QFile::decodeName(plan.tokenizerPath.c_str()));
    updateFields();
}

void EvaluationForm::updateModelSummary()
{
    const QString path = m_modelPath->text().trimmed();
    const bool mcq = isMcqTask();
    const QString adapter = mcq ? m_adapterPath->text().trimmed() : QString();
    const bool folder = QFileInfo(path).isDir();
    m_lm->setModelIsFolder(folder);
    // A model file that is there, without an adapter, has nothing to show.
    QString text;
    bool error = false;
    if (!path.isEmpty() && (folder || !adapter.isEmpty() || !QFileInfo::exists(path))) {
        try {
            text = checkModel(path, adapter, mcq);
        } catch (const std::exception& e) {
            text = QString::fromUtf8(e.what());
            error = true;
        }
    }
    m_modelSummary->setText(text);
    m_modelSummary->setProperty("error", error);
    setZoneTextColor(m_modelSummary, error ? std::optional(stats::Zone::Suspicious) : std::nullopt);
    m_modelForm->setRowVisible(m_modelSummary, !text.isEmpty());
    fitSummaryHeight();
}

void EvaluationForm::fitSummaryHeight()
{
    // A wrapped label's height depends on its width, which a window's minimum size does not
    // follow: without this the dialog keeps its height and clips the summary's last lines.
    const int height = m_modelSummary->heightForWidth(m_modelSummary->width());
    if (height > 0 && height != m_modelSummary->minimumHeight())
        m_modelSummary->setMinimumHeight(height);
}

bool EvaluationForm::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_modelSummary && event->type() == QEvent::Resize)
        fitSummaryHeight();
    return QWidget::eventFilter(watched, event);
}

void EvaluationForm::chooseTaskFiles(const QString& chooser)
{
    if (chooser == kChooseIdx)
        chooseIdxFiles();
    else if (chooser == kChooseBenchmark)
        chooseBenchmarkFolder();
    else if (chooser == kChooseJsonl)
        chooseJsonlFile();
}

void EvaluationForm::load(const QSettings& settings)
{
    m_requestedDevice = settings.value(QStringLiteral("device")).toString();
    m_modelPath->setText(settings.value(QStringLiteral("modelPath")).toString());
    m_adapterPath->setText(settings.value(QStringLiteral("adapterPath")).toString());
    m_modelLabel->setText(settings.value(QStringLiteral("modelLabel")).toString());
    setTaskSpec(settings.value(QStringLiteral("task"), QStringLiteral("fashion-mnist:test")).toString());
    m_seeds->setText(settings.value(QStringLiteral("seeds"), QStringLiteral("1-5")).toString());
    m_label->setText(settings.value(QStringLiteral("label")).toString());
    m_temperatures->setText(settings.value(QStringLiteral("temperatures"), QStringLiteral("1.0")).toString());
    m_settings.load(settings);
    if (!settings.contains(m_batchSize->objectName()))
        m_batchSize->setValue(isMcqTask() ? kLanguageModelBatchSize : kClassifierBatchSize);
    m_lm->load(settings);
    updateFields();
}

void EvaluationForm::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("modelPath"), m_modelPath->text().trimmed());
    settings.setValue(QStringLiteral("adapterPath"), m_adapterPath->text().trimmed());
    settings.setValue(QStringLiteral("modelLabel"), m_modelLabel->text().trimmed());
    settings.setValue(QStringLiteral("task"), taskSpec());
    settings.setValue(QStringLiteral("seeds"), m_seeds->text().trimmed());
    settings.setValue(QStringLiteral("label"), m_label->text().trimmed());
    settings.setValue(QStringLiteral("temperatures"), m_temperatures->text().trimmed());
    m_settings.save(settings);
    m_lm->save(settings);
}

} // namespace nf::ui
