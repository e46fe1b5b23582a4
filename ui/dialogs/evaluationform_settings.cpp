// EvaluationForm's decoding and runtime boxes: the fields of the evaluation settings
// (engine/settings.h), made and read through SettingWidgets. Kept apart from the model and task.

#include "dialogs/evaluationform.h"
#include "dialogs/languagemodelbox.h"
#include "engine/engine.h"
#include "jobs/job.h"
#include "env/gpu.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLineEdit>
#include <QSpinBox>

namespace nf::ui {

QWidget* EvaluationForm::buildDecodingBox()
{
    auto* box = new QGroupBox(tr("Decoding"));
    auto* form = new QFormLayout(box);
    m_decodingForm = form;
    // Items show words; their data is the engine's spelling ("greedy"), which the settings store too.
    m_decoding =
        m_settings.comboBox("decoding", {tr("Greedy (most likely answer)"), tr("Sample from the softmax")});
    connect(m_decoding, &QComboBox::currentIndexChanged, this, &EvaluationForm::updateFields);
    form->addRow(tr("&Decoding:"), m_decoding);

    m_temperatures = new QLineEdit;
    m_temperatures->setObjectName(QStringLiteral("temperatures"));
    m_temperatures->setPlaceholderText(tr("0.7, 1.0"));
    m_temperatures->setToolTip(tr("One config group per temperature, run one after another. "
                                  "0 runs greedy decoding."));
    form->addRow(tr("Te&mperatures:"), m_temperatures);

    m_topK = m_settings.spinBox("top_k");
    m_topK->setSpecialValueText(tr("all classes"));
    form->addRow(tr("Top-&k:"), m_topK);

    m_topP = m_settings.doubleSpinBox("top_p", 2, 0.05);
    form->addRow(tr("Top-&p:"), m_topP);

    m_dropout = m_settings.comboBox("dropout", {tr("Off (eval mode)"), tr("MC-dropout (dropout layers on)")});
    form->addRow(tr("Dr&opout:"), m_dropout);
    return box;
}

void EvaluationForm::addGpus(int count)
{
    // A device asked for before the list was complete (a saved form, a plan) is chosen now, unless
    // the user has chosen one since.
    const bool keepsRequest = m_device->currentData().toString() == QStringLiteral("auto") && m_requestedDevice.startsWith(u"cuda");
    for (int i = 0; i < count; ++i)
        m_device->addItem(
            QStringLiteral("cuda:%1 (%2)").arg(i).arg(QString::fromStdString(env::describeGpu(i).name)),
            QStringLiteral("cuda:%1").arg(i));
    if (const int index = m_device->findData(m_requestedDevice); keepsRequest && index >= 0)
        m_device->setCurrentIndex(index);
}

QWidget* EvaluationForm::buildRuntimeBox()
{
    auto* box = new QGroupBox(tr("Runtime and input"));
    auto* form = new QFormLayout(box);
    m_runtimeForm = form;
    m_batchSize = m_settings.spinBox("batch_size");
    form->addRow(tr("&Batch size:"), m_batchSize);

    m_dtype = m_settings.comboBox("dtype", {tr("float32"), tr("bfloat16"), tr("float16 (CUDA only)")});
    form->addRow(tr("D&type:"), m_dtype);

    m_device = new QComboBox;
    m_device->addItem(tr("auto (CUDA when present)"), QStringLiteral("auto"));
    m_device->addItem(tr("cpu"), QStringLiteral("cpu"));
    // The GPUs this libtorch can use, named by the driver (no torch header here). Asking loads the
    // engine (libtorch's libraries, about 0.5 s once per process), so it is asked on a pool thread
    // and the list grows when it answers; when the engine cannot load, Start says why.
    auto* gpus = new Job<int>(JobBase::Thread::Pool, this);
    connect(gpus, &JobBase::finished, this, [this, gpus] { addGpus(gpus->takeResult()); });
    gpus->start([](JobContext&) {
        try {
            return engine::loadEngine().cudaDeviceCount();
        } catch (const std::exception&) {
            return 0;
        }
    });
    m_settings.bind("device", m_device);
    form->addRow(tr("De&vice:"), m_device);

    form->addRow(QString(), m_settings.checkBox("deterministic", tr("Deterministic algorithms")));

    auto* limit = m_settings.spinBox("limit");
    limit->setSpecialValueText(tr("all items"));
    form->addRow(tr("&Items:"), limit);

    m_input = m_settings.comboBox("input", {tr("image [B, 1, H, W]"), tr("flat [B, H·W]")});
    form->addRow(tr("I&nput shape:"), m_input);

    m_normalize = m_settings.lineEdit("normalize");
    m_normalize->setPlaceholderText(tr("MEAN,STD, e.g. 0.286,0.353"));
    form->addRow(tr("No&rmalize:"), m_normalize);

    form->addRow(tr("Item or&der:"), m_settings.comboBox("order", {tr("fixed"), tr("shuffled by seed")}));
    return box;
}

engine::EvalConfig EvaluationForm::runtimeConfig(bool languageModel) const
{
    engine::EvalConfig config;
    // The image fields, hidden for a multiple-choice task, stay out of its plan: a language model
    // runs in eval mode.
    static const QStringList imageFields = {QStringLiteral("dropout"), QStringLiteral("input"),
                                            QStringLiteral("normalize")};
    m_settings.apply(config, languageModel ? imageFields : QStringList());
    if (languageModel)
        config.lm = m_lm->options();
    return config;
}

} // namespace nf::ui
