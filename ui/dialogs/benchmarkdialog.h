#pragma once

// Picks a multiple-choice benchmark's data folder: which benchmark (its CSV layout), the folder
// and the split, made into a task spec "mmlu:DIR:test", "cmmlu:DIR:dev", "ceval:DIR:val".

#include <QDialog>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
QT_END_NAMESPACE

namespace nf::ui {

class BenchmarkFolderDialog : public QDialog
{
    Q_OBJECT
public:
    explicit BenchmarkFolderDialog(QWidget* parent = nullptr);
    ~BenchmarkFolderDialog() override;

    // The spec of the fields: kind:ABSOLUTE-DIR:split.
    QString spec() const;
    // Fills the fields from a spec of these kinds; anything else leaves them as they are.
    void setSpec(const QString& spec);
    // A chosen folder: its name hints at the benchmark ("cmmlu", "ceval"), and a split folder
    // chosen by mistake (data/test) stands for the folder above it.
    void setFolder(const QString& folder);

public Q_SLOTS:
    // Stays open, naming the problem, while the folder or its split folder is missing.
    void accept() override;

private:
    void browse();
    void updateSplits();
    // Empty when the fields make a readable spec, else what is wrong.
    QString problem() const;

    QComboBox* m_kind = nullptr;
    QLineEdit* m_folder = nullptr;
    QComboBox* m_split = nullptr;
    QLabel* m_hint = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace nf::ui
