#pragma once

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QProgressBar;
class QPushButton;
QT_END_NAMESPACE

namespace nf::ui {

struct EvaluationProgress;

// What a first launch on an empty database shows: one button that runs the Fashion-MNIST demo,
// its progress while it runs, and the ways to bring one's own runs instead.
class WelcomePage : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget* parent = nullptr);

    void setDatabasePath(const QString& path);
    void showProgress(const EvaluationProgress& progress);
    void showFailure(const QString& message);
    void resetProgress();

Q_SIGNALS:
    void demoRequested();
    void newEvaluationRequested();
    void openDatabaseRequested();
    void importRequested();

private:
    QPushButton* m_demo;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_database;
};

} // namespace nf::ui
