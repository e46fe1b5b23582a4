#include "dialogs/evaluationform.h"

#include "common/error.h"
#include "dialogs/benchmarkdialog.h"
#include "dialogs/formtext.h"
#include "dialogs/languagemodelbox.h"
#include "engine/config.h"
#include "engine/runtime.h"
#include "env/gpu.h"
#include "formats/mcq.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

namespace nf::ui {
namespace {

// The task list's entries that open a chooser rather than name a task: their data.
const QString kChooseIdx = QStringLiteral("choose:idx");
const QString kChooseBenchmark = QStringLiteral("choose:benchmark");
const QString kChooseJsonl = QStringLiteral("choose:jsonl");

// Batch sizes a new form starts with: a classifier's items are small, a language model's prompts
// are up to max_length tokens each.
constexpr int kClassifierBatchSize = 256;
constexpr int kLanguageModelBatchSize = 8;

template <typename Widget> Widget* named(Widget* widget, const char* name)
{
    widget->setObjectName(QLatin1String(name));
    return widget;
}

// Items show words; their data is the engine's spelling ("fp32"), which the settings store too.
QComboBox* comboOf(const char* name, std::initializer_list<std::pair<QString, QString>> items)
{
    auto* combo = named(new QComboBox, name);
    for (const auto& [text, value] : items)
        combo->addItem(text, value);
    return combo;
}

QString comboData(const QComboBox* combo)
{
    return combo->currentData().toString();
}

void setComboData(QComboBox* combo, const QString& value)
{
    // A value this machine lacks (cuda:1 saved on another computer) falls back to the first item.
    combo->setCurrentIndex(std::max(0, combo->findData(value)));
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
    updateFields();
}

EvaluationForm::~EvaluationForm() = default;

void EvaluationForm::setModelPath(const QString& path)
{
    m_modelPath->setText(path);
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
        mcq ? tr("TorchScript causal LM (.pt): browse or drop it here")
            : tr("TorchScript classifier or causal LM (.pt): browse or drop it here"));

    const bool sampling = comboData(m_decoding) == QStringLiteral("sample");
    m_temperatures->setEnabled(sampling);
    m_topK->setEnabled(sampling);
    m_topP->setEnabled(sampling);
    try {
        const auto count = parseSeedsText(m_seeds->text()).size();
        m_seedsHint->setText(count == 1 ? tr("1 run") : tr("%1 runs").arg(count));
    } catch (const std::exception&) {
        m_seedsHint->setText(QString());
    }
}

QWidget* EvaluationForm::buildModelBox()
{
    auto* box = new QGroupBox(tr("Model and task"));
    auto* form = new QFormLayout(box);

    m_modelPath = named(new QLineEdit, "modelPath");
    // Drops go to the dialog, which takes a .pt file, rather than into the text as a URL.
    m_modelPath->setAcceptDrops(false);
    auto* browse = named(new QPushButton(tr("Browse…")), "browseModel");
    connect(browse, &QPushButton::clicked, this, &EvaluationForm::browseModel);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_modelPath, 1);
    modelRow->addWidget(browse);
    auto* modelCaption = new QLabel(tr("&Model file:"));
    modelCaption->setBuddy(m_modelPath);
    form->addRow(modelCaption, modelRow);

    m_modelLabel = named(new QLineEdit, "modelLabel");
    m_modelLabel->setPlaceholderText(tr("the file's name"));
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

QWidget* EvaluationForm::buildDecodingBox()
{
    auto* box = new QGroupBox(tr("Decoding"));
    auto* form = new QFormLayout(box);
    m_decodingForm = form;
    m_decoding = comboOf("decoding", {{tr("Greedy (most likely answer)"), QStringLiteral("greedy")},
                                      {tr("Sample from the softmax"), QStringLiteral("sample")}});
    connect(m_decoding, &QComboBox::currentIndexChanged, this, &EvaluationForm::updateFields);
    form->addRow(tr("&Decoding:"), m_decoding);

    m_temperatures = named(new QLineEdit, "temperatures");
    m_temperatures->setPlaceholderText(tr("0.7, 1.0"));
    m_temperatures->setToolTip(tr("One config group per temperature, run one after another. "
                                  "0 runs greedy decoding."));
    form->addRow(tr("Te&mperatures:"), m_temperatures);

    m_topK = named(new QSpinBox, "topK");
    m_topK->setRange(0, 1000000);
    m_topK->setSpecialValueText(tr("all classes"));
    form->addRow(tr("Top-&k:"), m_topK);

    m_topP = named(new QDoubleSpinBox, "topP");
    m_topP->setRange(0.01, 1.0);
    m_topP->setDecimals(2);
    m_topP->setSingleStep(0.05);
    form->addRow(tr("Top-&p:"), m_topP);

    m_dropout = comboOf("dropout", {{tr("Off (eval mode)"), QStringLiteral("eval")},
                                    {tr("MC-dropout (dropout layers on)"), QStringLiteral("train")}});
    form->addRow(tr("Dr&opout:"), m_dropout);
    return box;
}

QWidget* EvaluationForm::buildRuntimeBox()
{
    auto* box = new QGroupBox(tr("Runtime and input"));
    auto* form = new QFormLayout(box);
    m_runtimeForm = form;
    m_batchSize = named(new QSpinBox, "batchSize");
    m_batchSize->setRange(1, 1 << 20);
    form->addRow(tr("&Batch size:"), m_batchSize);

    m_dtype = comboOf("dtype", {{tr("float32"), QStringLiteral("fp32")},
                                {tr("bfloat16"), QStringLiteral("bf16")},
                                {tr("float16 (CUDA only)"), QStringLiteral("fp16")}});
    form->addRow(tr("D&type:"), m_dtype);

    m_device = comboOf("device", {{tr("auto (CUDA when present)"), QStringLiteral("auto")},
                                  {tr("cpu"), QStringLiteral("cpu")}});
    // The devices this libtorch can use, named by the driver (no torch header here).
    for (int i = 0; i < engine::cudaDeviceCount(); ++i)
        m_device->addItem(
            QStringLiteral("cuda:%1 (%2)").arg(i).arg(QString::fromStdString(env::describeGpu(i).name)),
            QStringLiteral("cuda:%1").arg(i));
    form->addRow(tr("De&vice:"), m_device);

    m_deterministic = named(new QCheckBox(tr("Deterministic algorithms")), "deterministic");
    m_deterministic->setToolTip(tr("Deterministic kernels, no cuDNN benchmark, TF32 off: slower on a GPU"));
    form->addRow(QString(), m_deterministic);

    m_limit = named(new QSpinBox, "limit");
    m_limit->setRange(0, std::numeric_limits<int>::max());
    m_limit->setSpecialValueText(tr("all items"));
    m_limit->setToolTip(tr("Evaluate only the first N items of the task"));
    form->addRow(tr("&Items:"), m_limit);

    m_input = comboOf("input", {{tr("image [B, 1, H, W]"), QStringLiteral("image")},
                                {tr("flat [B, H·W]"), QStringLiteral("flat")}});
    form->addRow(tr("I&nput shape:"), m_input);

    m_normalize = named(new QLineEdit, "normalize");
    m_normalize->setPlaceholderText(tr("MEAN,STD, e.g. 0.286,0.353"));
    form->addRow(tr("No&rmalize:"), m_normalize);

    m_order = comboOf("order", {{tr("fixed"), QStringLiteral("fixed")},
                                {tr("shuffled by seed"), QStringLiteral("shuffled")}});
    form->addRow(tr("Item or&der:"), m_order);
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

engine::RunPlan EvaluationForm::base() const
{
    const QString path = m_modelPath->text().trimmed();
    if (path.isEmpty())
        throw InputError(
            "Model file: choose a TorchScript model (.pt) with Browse… or drop one on this dialog");
    if (QFileInfo(path).isDir())
        throw InputError(QStringLiteral("Model file: %1 is a folder; choose the model's .pt file")
                             .arg(path)
                             .toStdString());
    if (!QFileInfo(path).isFile())
        throw InputError(QStringLiteral("Model file not found: %1").arg(path).toStdString());
    const QString spec = taskSpec();
    if (spec.isEmpty())
        throw InputError("Task: choose Fashion-MNIST, IDX files, a benchmark folder or a JSONL file");
    checkTaskFiles(spec);
    const bool mcq = formats::isMcqSpec(spec.toStdString());

    engine::RunPlan plan;
    plan.modelPath = QFile::encodeName(QFileInfo(path).absoluteFilePath()).toStdString();
    plan.modelLabel = m_modelLabel->text().trimmed().toStdString();
    plan.taskSpec = spec.toStdString();
    plan.seeds = parseSeedsText(m_seeds->text());
    plan.label = m_label->text().trimmed().toStdString();
    auto& config = plan.config;
    config.decoding = engine::parseDecoding(comboData(m_decoding).toStdString());
    config.topK = m_topK->value();
    config.topP = m_topP->value();
    config.batchSize = m_batchSize->value();
    config.dtype = engine::parseDType(comboData(m_dtype).toStdString());
    config.device = comboData(m_device).toStdString();
    config.deterministic = m_deterministic->isChecked();
    config.limit = m_limit->value();
    config.order = engine::parseOrder(comboData(m_order).toStdString());
    if (mcq) {
        // The hidden image fields stay out of the plan: a language model runs in eval mode.
        config.lm = m_lm->options();
        plan.tokenizerPath = m_lm->tokenizerPath(path);
    } else {
        config.dropout = engine::parseDropout(comboData(m_dropout).toStdString());
        config.input = engine::parseInputLayout(comboData(m_input).toStdString());
        if (!m_normalize->text().trimmed().isEmpty())
            engine::parseNormalize(m_normalize->text().remove(QLatin1Char(' ')).toStdString(), config);
    }
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
    m_modelLabel->setText(QString::fromStdString(plan.modelLabel));
    setTaskSpec(QString::fromStdString(plan.taskSpec));
    m_seeds->setText(seedsText(plan.seeds));
    m_label->setText(QString::fromStdString(plan.label));
    const auto& config = plan.config;
    setComboData(m_decoding, QString::fromLatin1(engine::toString(config.decoding)));
    m_temperatures->setText(QString::number(config.temperature));
    m_topK->setValue(config.topK);
    m_topP->setValue(config.topP);
    setComboData(m_dropout, QString::fromLatin1(engine::toString(config.dropout)));
    m_batchSize->setValue(config.batchSize);
    setComboData(m_dtype, QString::fromLatin1(engine::toString(config.dtype)));
    setComboData(m_device, QString::fromStdString(config.device));
    m_deterministic->setChecked(config.deterministic);
    m_limit->setValue(static_cast<int>(std::min<int64_t>(config.limit, std::numeric_limits<int>::max())));
    setComboData(m_input, QString::fromLatin1(engine::toString(config.input)));
    m_normalize->setText(config.normalizeMean
                             ? QStringLiteral("%1,%2").arg(*config.normalizeMean).arg(*config.normalizeStd)
                             : QString());
    setComboData(m_order, QString::fromLatin1(engine::toString(config.order)));
    if (config.lm)
        m_lm->setOptions(*config.lm, QFile::decodeName(plan.tokenizerPath.c_str()));
    updateFields();
}

void EvaluationForm::browseModel()
{
    const QString start = m_modelPath->text().trimmed();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("TorchScript model"), QFileInfo(start).absolutePath(),
                                     tr("TorchScript models (*.pt *.pth);;All files (*)"));
    if (!path.isEmpty())
        m_modelPath->setText(path);
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

void EvaluationForm::chooseBenchmarkFolder()
{
    BenchmarkFolderDialog dialog(this);
    dialog.setSpec(m_taskBeforeChooser);
    setTaskSpec(dialog.exec() == QDialog::Accepted ? dialog.spec() : m_taskBeforeChooser);
}

void EvaluationForm::chooseJsonlFile()
{
    const QString previous =
        m_taskBeforeChooser.startsWith(QStringLiteral("jsonl:")) ? m_taskBeforeChooser.mid(6) : QString();
    const QString file = QFileDialog::getOpenFileName(this, tr("Multiple-choice questions (JSONL)"),
                                                      QFileInfo(previous).absolutePath(),
                                                      tr("JSON Lines (*.jsonl *.json);;All files (*)"));
    setTaskSpec(file.isEmpty() ? m_taskBeforeChooser : QStringLiteral("jsonl:") + file);
}

void EvaluationForm::chooseIdxFiles()
{
    const QString images = QFileDialog::getOpenFileName(this, tr("IDX images file"), QString(),
                                                        tr("IDX files (*-ubyte *.idx *.gz);;All files (*)"));
    const QString labels =
        images.isEmpty()
            ? QString()
            : QFileDialog::getOpenFileName(this, tr("IDX labels file"), QFileInfo(images).absolutePath(),
                                           tr("IDX files (*-ubyte *.idx *.gz);;All files (*)"));
    setTaskSpec(labels.isEmpty() ? m_taskBeforeChooser : QStringLiteral("idx:%1,%2").arg(images, labels));
}

void EvaluationForm::load(const QSettings& settings)
{
    m_modelPath->setText(settings.value(QStringLiteral("modelPath")).toString());
    m_modelLabel->setText(settings.value(QStringLiteral("modelLabel")).toString());
    setTaskSpec(settings.value(QStringLiteral("task"), QStringLiteral("fashion-mnist:test")).toString());
    m_seeds->setText(settings.value(QStringLiteral("seeds"), QStringLiteral("1-5")).toString());
    m_label->setText(settings.value(QStringLiteral("label")).toString());
    setComboData(m_decoding, settings.value(QStringLiteral("decoding"), QStringLiteral("greedy")).toString());
    m_temperatures->setText(settings.value(QStringLiteral("temperatures"), QStringLiteral("1.0")).toString());
    m_topK->setValue(settings.value(QStringLiteral("topK"), 0).toInt());
    m_topP->setValue(settings.value(QStringLiteral("topP"), 1.0).toDouble());
    setComboData(m_dropout, settings.value(QStringLiteral("dropout")).toString());
    m_batchSize->setValue(
        settings
            .value(QStringLiteral("batchSize"), isMcqTask() ? kLanguageModelBatchSize : kClassifierBatchSize)
            .toInt());
    setComboData(m_dtype, settings.value(QStringLiteral("dtype")).toString());
    setComboData(m_device, settings.value(QStringLiteral("device")).toString());
    m_deterministic->setChecked(settings.value(QStringLiteral("deterministic"), false).toBool());
    m_limit->setValue(settings.value(QStringLiteral("limit"), 0).toInt());
    setComboData(m_input, settings.value(QStringLiteral("input")).toString());
    m_normalize->setText(settings.value(QStringLiteral("normalize")).toString());
    setComboData(m_order, settings.value(QStringLiteral("order")).toString());
    m_lm->load(settings);
    updateFields();
}

void EvaluationForm::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("modelPath"), m_modelPath->text().trimmed());
    settings.setValue(QStringLiteral("modelLabel"), m_modelLabel->text().trimmed());
    settings.setValue(QStringLiteral("task"), taskSpec());
    settings.setValue(QStringLiteral("seeds"), m_seeds->text().trimmed());
    settings.setValue(QStringLiteral("label"), m_label->text().trimmed());
    settings.setValue(QStringLiteral("decoding"), comboData(m_decoding));
    settings.setValue(QStringLiteral("temperatures"), m_temperatures->text().trimmed());
    settings.setValue(QStringLiteral("topK"), m_topK->value());
    settings.setValue(QStringLiteral("topP"), m_topP->value());
    settings.setValue(QStringLiteral("dropout"), comboData(m_dropout));
    settings.setValue(QStringLiteral("batchSize"), m_batchSize->value());
    settings.setValue(QStringLiteral("dtype"), comboData(m_dtype));
    settings.setValue(QStringLiteral("device"), comboData(m_device));
    settings.setValue(QStringLiteral("deterministic"), m_deterministic->isChecked());
    settings.setValue(QStringLiteral("limit"), m_limit->value());
    settings.setValue(QStringLiteral("input"), comboData(m_input));
    settings.setValue(QStringLiteral("normalize"), m_normalize->text().trimmed());
    settings.setValue(QStringLiteral("order"), comboData(m_order));
    m_lm->save(settings);
}

} // namespace nf::ui
