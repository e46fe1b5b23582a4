#include "dialogs/clusterbox.h"

#include "cluster/jobs.h"
#include "common/error.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace nf::ui {
namespace {

const QString kLocal = QStringLiteral("local");
const QString kSlurm = QStringLiteral("slurm");

template <typename Widget> Widget* named(Widget* widget, const char* name)
{
    widget->setObjectName(QLatin1String(name));
    return widget;
}

QSpinBox* spinBox(const char* name, int minimum, int maximum, const QString& special)
{
    auto* box = named(new QSpinBox, name);
    box->setRange(minimum, maximum);
    if (!special.isEmpty())
        box->setSpecialValueText(special);
    return box;
}

// Slurm's time formats: MINUTES, MINUTES:SECONDS, HOURS:MINUTES:SECONDS, DAYS-HOURS,
// DAYS-HOURS:MINUTES, DAYS-HOURS:MINUTES:SECONDS, or no limit.
bool isSlurmTime(const QString& text)
{
    static const QRegularExpression time(
        QStringLiteral(R"(^(\d+(:\d+){0,2}|\d+-\d+(:\d+){0,2}|unlimited|infinite)$)"),
        QRegularExpression::CaseInsensitiveOption);
    return time.match(text).hasMatch();
}

} // namespace

QString defaultNodeCli()
{
    const QString here = QCoreApplication::applicationDirPath();
    const QString beside = here + QStringLiteral("/noisefloor-cli");
    if (QFileInfo(beside).isExecutable())
        return beside;
    // A program run from the build tree (the app, or a test) uses the CLI built beside it.
    const QString buildDir = QStringLiteral(NF_UI_BUILD_DIR "/");
    const QString built = QStringLiteral(NF_CLI_BUILD_PATH);
    if (here.startsWith(buildDir) && QFileInfo(built).isExecutable())
        return built;
    return QStandardPaths::findExecutable(QStringLiteral("noisefloor-cli"));
}

ClusterBox::ClusterBox(QWidget* parent) : QGroupBox(tr("Where to run"), parent)
{
    m_slurmOffered = cluster::slurmAvailable();
    m_runOn = named(new QComboBox, "runOn");
    m_runOn->addItem(tr("This computer"), kLocal);
    m_runOn->addItem(tr("Slurm cluster"), kSlurm);
    m_hint = named(new QLabel, "runOnHint");
    m_hint->setEnabled(false); // the palette's muted text colour
    m_hint->setWordWrap(true);
    if (!m_slurmOffered) {
        const QString why = tr("sbatch is not on the PATH: submit from a Slurm login node, or put Slurm's "
                               "programs on the PATH before starting noisefloor");
        auto* model = static_cast<QStandardItemModel*>(m_runOn->model());
        model->item(1)->setEnabled(false);
        model->item(1)->setToolTip(why);
        m_runOn->setToolTip(why);
    }
    auto* runOnCaption = new QLabel(tr("R&un on:"));
    runOnCaption->setBuddy(m_runOn);
    auto* top = new QHBoxLayout;
    top->addWidget(runOnCaption);
    top->addWidget(m_runOn);
    top->addWidget(m_hint, 1);

    m_partition = named(new QLineEdit, "partition");
    m_partition->setPlaceholderText(tr("the cluster's default"));
    m_gpus = spinBox("gpusPerTask", 0, 64, tr("none"));
    m_gpus->setToolTip(tr("GPUs each array task asks for (--gpus-per-task); set the device to auto or "
                          "cuda to use them"));
    m_time = named(new QLineEdit, "timeLimit");
    m_time->setPlaceholderText(tr("the partition's, e.g. 2:00:00"));
    m_time->setToolTip(tr("Each task's time limit: MINUTES, HH:MM:SS or DAYS-HH:MM:SS"));
    m_maxParallel = spinBox("maxParallel", 0, 100000, tr("no limit"));
    m_maxParallel->setToolTip(tr("Array tasks running at once (the array's %K)"));
    m_seedsPerTask = spinBox("seedsPerTask", 1, 100000, QString());
    m_seedsPerTask->setToolTip(tr("Seeds each array task runs one after the other (loading the model once)"));
    m_shards = named(new QLineEdit, "shardsFolder");
    m_shards->setToolTip(tr("Where each task leaves its own database for this app to merge: a folder every "
                            "node and this machine see (SQLite is never shared over the network)"));
    auto* browse = named(new QPushButton(tr("Browse…")), "browseShards");
    connect(browse, &QPushButton::clicked, this, &ClusterBox::browseShards);
    auto* shardsRow = new QHBoxLayout;
    shardsRow->addWidget(m_shards, 1);
    shardsRow->addWidget(browse);
    m_cli = named(new QLineEdit, "nodeCli");
    m_cli->setText(defaultNodeCli());
    m_cli->setPlaceholderText(tr("the noisefloor-cli the nodes run (absolute path)"));
    m_cli->setToolTip(tr("The nodes run this program: it must be there on every node (a shared install)"));

    auto* left = new QFormLayout;
    left->addRow(tr("&Partition:"), m_partition);
    left->addRow(tr("&GPUs per task:"), m_gpus);
    left->addRow(tr("Ti&me limit:"), m_time);
    auto* right = new QFormLayout;
    right->addRow(tr("Tasks at &once:"), m_maxParallel);
    right->addRow(tr("Seeds per tas&k:"), m_seedsPerTask);
    auto* columns = new QHBoxLayout;
    columns->setContentsMargins(0, 0, 0, 0);
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto* paths = new QFormLayout;
    paths->setContentsMargins(0, 0, 0, 0);
    paths->addRow(tr("S&hards folder:"), shardsRow);
    paths->addRow(tr("CLI on the n&odes:"), m_cli);
    m_fields = named(new QWidget, "slurmFields");
    auto* fields = new QVBoxLayout(m_fields);
    fields->setContentsMargins(0, 0, 0, 0);
    fields->addLayout(columns);
    fields->addLayout(paths);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_fields);
    connect(m_runOn, &QComboBox::currentIndexChanged, this, &ClusterBox::onTargetChanged);
    onTargetChanged();
}

bool ClusterBox::onCluster() const
{
    return m_slurmOffered && m_runOn->currentData().toString() == kSlurm;
}

void ClusterBox::onTargetChanged()
{
    const bool cluster = onCluster();
    m_fields->setVisible(cluster);
    m_hint->setText(cluster ? tr("Each seed (or chunk of seeds) is a task of a Slurm job array; the runs "
                                 "appear in the browser as their shards are collected.")
                    : m_slurmOffered ? tr("The runs go through this computer's evaluation queue.")
                                     : tr("Slurm cluster: sbatch is not on the PATH."));
    Q_EMIT targetChanged(cluster);
}

void ClusterBox::setDatabasePath(const QString& path)
{
    m_databasePath = path;
    m_shards->setPlaceholderText(
        path.isEmpty()
            ? tr("shards/ beside the database")
            : QDir::toNativeSeparators(QFileInfo(path).absoluteDir().filePath(QStringLiteral("shards"))));
}

QString ClusterBox::shardsRoot() const
{
    const QString chosen = m_shards->text().trimmed();
    if (!chosen.isEmpty())
        return QDir::cleanPath(QFileInfo(chosen).absoluteFilePath());
    return QDir::cleanPath(QFileInfo(m_databasePath).absoluteDir().filePath(QStringLiteral("shards")));
}

cluster::SlurmOptions ClusterBox::slurmOptions() const
{
    cluster::SlurmOptions options;
    options.partition = m_partition->text().trimmed().toStdString();
    options.gpusPerTask = m_gpus->value();
    const QString time = m_time->text().trimmed();
    if (!time.isEmpty() && !isSlurmTime(time))
        throw InputError("Time limit: '" + time.toStdString() +
                         "' is not a Slurm time (MINUTES, HH:MM:SS or DAYS-HH:MM:SS, e.g. 2:00:00)");
    options.time = time.toStdString();
    options.maxParallel = m_maxParallel->value();
    options.seedsPerTask = m_seedsPerTask->value();
    const QString cli = m_cli->text().trimmed();
    if (cli.isEmpty())
        throw InputError("CLI on the nodes: no noisefloor-cli beside this program or on the PATH; give the "
                         "path of the noisefloor-cli the nodes run");
    if (!QFileInfo(cli).isAbsolute())
        throw InputError("CLI on the nodes: '" + cli.toStdString() +
                         "' is not an absolute path (the nodes run it from their own working folder)");
    options.cli = QFile::encodeName(cli).toStdString();
    return options;
}

void ClusterBox::load(const QSettings& settings)
{
    const int target = m_runOn->findData(settings.value(QStringLiteral("runOn"), kLocal).toString());
    m_runOn->setCurrentIndex(target == 1 && !m_slurmOffered ? 0 : std::max(target, 0));
    m_partition->setText(settings.value(QStringLiteral("partition")).toString());
    m_gpus->setValue(settings.value(QStringLiteral("gpusPerTask"), 0).toInt());
    m_time->setText(settings.value(QStringLiteral("timeLimit")).toString());
    m_maxParallel->setValue(settings.value(QStringLiteral("maxParallel"), 0).toInt());
    m_seedsPerTask->setValue(settings.value(QStringLiteral("seedsPerTask"), 1).toInt());
    m_shards->setText(settings.value(QStringLiteral("shardsFolder")).toString());
    // A CLI saved from an earlier session, unless it has gone (a new build, another install).
    const QString cli = settings.value(QStringLiteral("nodeCli")).toString();
    if (!cli.isEmpty() && QFileInfo(cli).isExecutable())
        m_cli->setText(cli);
}

void ClusterBox::save(QSettings& settings) const
{
    settings.setValue(QStringLiteral("runOn"), m_runOn->currentData().toString());
    settings.setValue(QStringLiteral("partition"), m_partition->text().trimmed());
    settings.setValue(QStringLiteral("gpusPerTask"), m_gpus->value());
    settings.setValue(QStringLiteral("timeLimit"), m_time->text().trimmed());
    settings.setValue(QStringLiteral("maxParallel"), m_maxParallel->value());
    settings.setValue(QStringLiteral("seedsPerTask"), m_seedsPerTask->value());
    settings.setValue(QStringLiteral("shardsFolder"), m_shards->text().trimmed());
    settings.setValue(QStringLiteral("nodeCli"), m_cli->text().trimmed());
}

void ClusterBox::browseShards()
{
    const QString folder = QFileDialog::getExistingDirectory(
        this, tr("Shards folder (seen by every node)"),
        m_shards->text().isEmpty() ? QFileInfo(m_databasePath).absolutePath() : m_shards->text());
    if (!folder.isEmpty())
        m_shards->setText(QDir::toNativeSeparators(folder));
}

} // namespace nf::ui
