#pragma once

// New evaluation's "Run on:": this computer (the evaluation queue), or a Slurm cluster, offered
// when sbatch is on the PATH, with what the submission asks of Slurm (partition, GPUs per task,
// time limit, tasks at once, seeds per task), the shards folder every node and this machine see,
// and the noisefloor-cli the nodes run.

#include "cluster/script.h"

#include <QGroupBox>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QSettings;
class QSpinBox;
QT_END_NAMESPACE

namespace nf::ui {

class ClusterBox : public QGroupBox
{
    Q_OBJECT
public:
    // Asks whether sbatch is on the PATH now; without it "Slurm cluster" is there, disabled, with
    // a tooltip saying why.
    explicit ClusterBox(QWidget* parent = nullptr);

    bool slurmOffered() const { return m_slurmOffered; }
    bool onCluster() const;
    // The shards folder's default is shards/ beside this database.
    void setDatabasePath(const QString& path);

    // What to ask of Slurm, the CLI included. Throws nf::InputError naming the field: a time
    // limit Slurm does not take, no noisefloor-cli for the nodes.
    cluster::SlurmOptions slurmOptions() const;
    // The folder the submission's own folder goes into (absolute).
    QString shardsRoot() const;

    void load(const QSettings& settings);
    void save(QSettings& settings) const;

Q_SIGNALS:
    void targetChanged(bool onCluster);

private:
    void onTargetChanged();
    void browseShards();

    bool m_slurmOffered = false;
    QString m_databasePath;
    QComboBox* m_runOn = nullptr;
    QLabel* m_hint = nullptr;
    QWidget* m_fields = nullptr;
    QLineEdit* m_partition = nullptr;
    QSpinBox* m_gpus = nullptr;
    QLineEdit* m_time = nullptr;
    QSpinBox* m_maxParallel = nullptr;
    QSpinBox* m_seedsPerTask = nullptr;
    QLineEdit* m_shards = nullptr;
    QLineEdit* m_cli = nullptr;
};

// The noisefloor-cli the nodes run by default: the one installed beside this program, else the
// build tree's (for a program run from it), else the one on the PATH; empty when there is none.
QString defaultNodeCli();

} // namespace nf::ui
