// EvaluationForm's choosers: the file and folder dialogs behind its Browse… buttons and the task
// list's "…" entries. Kept apart from the fields they fill.

#include "dialogs/benchmarkdialog.h"
#include "dialogs/evaluationform.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>

namespace nf::ui {

void EvaluationForm::browseModel()
{
    const QString start = m_modelPath->text().trimmed();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("TorchScript model"), QFileInfo(start).absolutePath(),
                                     tr("TorchScript models (*.pt *.pth);;All files (*)"));
    if (!path.isEmpty())
        m_modelPath->setText(path);
}

void EvaluationForm::browseModelFolder()
{
    const QString start = m_modelPath->text().trimmed();
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Hugging Face model folder (config.json)"), QFileInfo(start).absolutePath());
    if (!folder.isEmpty())
        m_modelPath->setText(folder);
}

void EvaluationForm::browseAdapter()
{
    // An adapter is often kept in or beside its base model's folder.
    QString start = m_adapterPath->text().trimmed();
    if (start.isEmpty())
        start = m_modelPath->text().trimmed();
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("LoRA adapter folder (adapter_config.json)"), QFileInfo(start).absolutePath());
    if (!folder.isEmpty())
        m_adapterPath->setText(folder);
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

} // namespace nf::ui
