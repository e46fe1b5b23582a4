#pragma once

// The fields of one evaluation: model (a TorchScript file or a Hugging Face folder with an optional
// LoRA adapter), task, seeds, decoding, runtime, and for a multiple-choice task the language
// model's tokenizer and prompt. A model folder is described under its field (architecture, size,
// memory against the device's free memory) as the fields change. NewEvaluationDialog puts a queue
// and its buttons around it.

#include "dialogs/settingwidgets.h"
#include "engine/runner.h"

#include <QWidget>
#include <vector>

QT_BEGIN_NAMESPACE
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;
class QTimer;
QT_END_NAMESPACE

namespace nf::ui {

class LanguageModelBox;

class EvaluationForm : public QWidget
{
    Q_OBJECT
public:
    explicit EvaluationForm(QWidget* parent = nullptr);
    ~EvaluationForm() override;

    // One plan per temperature when sampling (0 runs greedy), else one; an MCQ task's plans set
    // config.lm, the tokenizer and the adapter. Checks what can be checked without loading
    // weights (a model folder's config and safetensors headers, and whether it fits): throws
    // nf::InputError whose message names the field ("Model not found: /path", "Adapter: ...",
    // "Seeds: ...", "Tokenizer file: ...") or the config key (engine::validate).
    std::vector<engine::RunPlan> plans() const;
    // Fills every field from a plan: "Run N more repeats" of a group.
    void setPlan(const engine::RunPlan& plan);
    void setModelPath(const QString& path);
    void setAdapterPath(const QString& path);
    // False when the plans run elsewhere (a cluster): a model folder is then not checked against
    // this machine's device and memory.
    void setOnThisMachine(bool onThisMachine);
    // Whether the task field holds a multiple-choice task (mmlu:, cmmlu:, ceval:, jsonl:).
    bool isMcqTask() const;

    // The fields as last started, under the settings' current group.
    void load(const QSettings& settings);
    void save(QSettings& settings) const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildModelBox();
    QWidget* buildDecodingBox();
    QWidget* buildRuntimeBox();
    // Adds the GPUs the engine sees to the device list (asked off the GUI thread).
    void addGpus(int count);
    engine::RunPlan base() const;
    // A model folder's summary (empty for a model file); throws nf::InputError naming the field.
    QString checkModel(const QString& path, const QString& adapter, bool mcq) const;
    // The decoding and runtime fields; a language model's options, or the image fields.
    engine::EvalConfig runtimeConfig(bool languageModel) const;
    void browseModel();
    void browseModelFolder();
    void browseAdapter();
    // Describes a model folder under the model field, or names what is wrong with the model and
    // adapter fields (debounced: the fields it reads change a keystroke at a time).
    void updateModelSummary();
    void fitSummaryHeight();
    void chooseTaskFiles(const QString& chooser);
    void chooseIdxFiles();
    void chooseBenchmarkFolder();
    void chooseJsonlFile();
    void updateFields();
    QString taskSpec() const;
    void setTaskSpec(const QString& spec);

    QLineEdit* m_modelPath = nullptr;
    QLineEdit* m_adapterPath = nullptr;
    QLabel* m_adapterCaption = nullptr; // names the adapter's row, to hide it
    QLabel* m_modelSummary = nullptr;
    QTimer* m_summaryTimer = nullptr;
    QFormLayout* m_modelForm = nullptr;
    QLineEdit* m_modelLabel = nullptr;
    QComboBox* m_task = nullptr;
    QLineEdit* m_seeds = nullptr;
    QLabel* m_seedsHint = nullptr;
    QLineEdit* m_label = nullptr;
    QComboBox* m_decoding = nullptr;
    QLineEdit* m_temperatures = nullptr;
    QSpinBox* m_topK = nullptr;
    QDoubleSpinBox* m_topP = nullptr;
    QComboBox* m_dropout = nullptr;
    QSpinBox* m_batchSize = nullptr;
    QComboBox* m_dtype = nullptr;
    QComboBox* m_device = nullptr;
    QString m_requestedDevice; // the device a saved form or a plan asked for
    QComboBox* m_input = nullptr;
    QLineEdit* m_normalize = nullptr;
    QFormLayout* m_decodingForm = nullptr;
    QFormLayout* m_runtimeForm = nullptr;
    SettingWidgets m_settings; // the fields of the decoding and runtime boxes
    LanguageModelBox* m_lm = nullptr;
    bool m_mcqShown = false;
    bool m_onThisMachine = true;
    QString m_taskBeforeChooser; // restored when choosing files is cancelled
};

} // namespace nf::ui
