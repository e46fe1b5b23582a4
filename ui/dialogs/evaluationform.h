#pragma once

// The fields of one evaluation: model, task, seeds, decoding, runtime, and for a multiple-choice
// task the language model's tokenizer and prompt. NewEvaluationDialog puts a queue and its buttons
// around it.

#include "engine/runner.h"

#include <QWidget>
#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;
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
    // config.lm and the tokenizer. Checks what can be checked without loading anything: throws
    // nf::InputError whose message names the field ("Model file not found: /path", "Seeds: ...",
    // "Tokenizer file: ...") or the config key (engine::validate).
    std::vector<engine::RunPlan> plans() const;
    // Fills every field from a plan: "Run N more repeats" of a group.
    void setPlan(const engine::RunPlan& plan);
    void setModelPath(const QString& path);
    // Whether the task field holds a multiple-choice task (mmlu:, cmmlu:, ceval:, jsonl:).
    bool isMcqTask() const;

    // The fields as last started, under the settings' current group.
    void load(const QSettings& settings);
    void save(QSettings& settings) const;

private:
    QWidget* buildModelBox();
    QWidget* buildDecodingBox();
    QWidget* buildRuntimeBox();
    engine::RunPlan base() const;
    void browseModel();
    void chooseTaskFiles(const QString& chooser);
    void chooseIdxFiles();
    void chooseBenchmarkFolder();
    void chooseJsonlFile();
    void updateFields();
    QString taskSpec() const;
    void setTaskSpec(const QString& spec);

    QLineEdit* m_modelPath = nullptr;
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
    QCheckBox* m_deterministic = nullptr;
    QSpinBox* m_limit = nullptr;
    QComboBox* m_input = nullptr;
    QLineEdit* m_normalize = nullptr;
    QComboBox* m_order = nullptr;
    QFormLayout* m_decodingForm = nullptr;
    QFormLayout* m_runtimeForm = nullptr;
    LanguageModelBox* m_lm = nullptr;
    bool m_mcqShown = false;
    QString m_taskBeforeChooser; // restored when choosing files is cancelled
};

} // namespace nf::ui
