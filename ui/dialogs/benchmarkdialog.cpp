#include "dialogs/benchmarkdialog.h"

#include "zonetext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace nf::ui {
namespace {

struct Benchmark
{
    const char* kind;
    const char* name;
    QStringList splits; // the first is the default
    const char* layout;
};

const std::vector<Benchmark>& benchmarks()
{
    static const std::vector<Benchmark> list = {
        {"mmlu",
         "MMLU",
         {QStringLiteral("test"), QStringLiteral("val"), QStringLiteral("dev")},
         "dev/, val/, test/ with <subject>_test.csv files, no header (the MMLU authors' data folder or "
         "LLaMA-Factory's evaluation folder with mapping.json)"},
        {"cmmlu",
         "CMMLU",
         {QStringLiteral("test"), QStringLiteral("dev")},
         "dev/ and test/ with one CSV per subject, header Question,A,B,C,D,Answer"},
        {"ceval",
         "C-Eval",
         {QStringLiteral("val"), QStringLiteral("dev")},
         "dev/ and val/ with <subject>_val.csv files (the test split has no answers)"},
    };
    return list;
}

const Benchmark& benchmark(const QString& kind)
{
    for (const Benchmark& known : benchmarks())
        if (kind == QLatin1String(known.kind))
            return known;
    return benchmarks().front();
}

bool isSplitName(const QString& name)
{
    return name == QStringLiteral("test") || name == QStringLiteral("val") || name == QStringLiteral("dev");
}

} // namespace

BenchmarkFolderDialog::BenchmarkFolderDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("benchmarkFolderDialog"));
    setWindowTitle(tr("Benchmark data folder"));

    m_kind = new QComboBox;
    m_kind->setObjectName(QStringLiteral("benchmarkKind"));
    for (const Benchmark& known : benchmarks())
        m_kind->addItem(QString::fromLatin1(known.name), QString::fromLatin1(known.kind));
    m_folder = new QLineEdit;
    m_folder->setObjectName(QStringLiteral("benchmarkFolder"));
    m_folder->setMinimumWidth(m_folder->fontMetrics().averageCharWidth() * 50);
    auto* browseButton = new QPushButton(tr("Browse…"));
    browseButton->setObjectName(QStringLiteral("browseBenchmarkFolder"));
    m_split = new QComboBox;
    m_split->setObjectName(QStringLiteral("benchmarkSplit"));
    m_hint = new QLabel;
    m_hint->setObjectName(QStringLiteral("benchmarkHint"));
    m_hint->setWordWrap(true);
    m_hint->setEnabled(false); // muted
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("benchmarkError"));
    m_error->setWordWrap(true);
    setZoneTextColor(m_error, stats::Zone::Suspicious);
    m_error->hide();

    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browseButton);
    auto* form = new QFormLayout;
    form->addRow(tr("&Benchmark:"), m_kind);
    auto* folderCaption = new QLabel(tr("&Folder:"));
    folderCaption->setBuddy(m_folder);
    form->addRow(folderCaption, folderRow);
    form->addRow(QString(), m_hint);
    form->addRow(tr("&Split:"), m_split);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &BenchmarkFolderDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &BenchmarkFolderDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(browseButton, &QPushButton::clicked, this, &BenchmarkFolderDialog::browse);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &BenchmarkFolderDialog::updateSplits);
    updateSplits();
}

BenchmarkFolderDialog::~BenchmarkFolderDialog() = default;

void BenchmarkFolderDialog::updateSplits()
{
    const Benchmark& chosen = benchmark(m_kind->currentData().toString());
    const QString previous = m_split->currentText();
    m_split->clear();
    m_split->addItems(chosen.splits);
    if (chosen.splits.contains(previous))
        m_split->setCurrentText(previous);
    m_hint->setText(tr("Holds %1").arg(QString::fromLatin1(chosen.layout)));
}

QString BenchmarkFolderDialog::spec() const
{
    const QString folder = m_folder->text().trimmed();
    return m_kind->currentData().toString() + QLatin1Char(':') +
           (folder.isEmpty() ? QString() : QFileInfo(folder).absoluteFilePath()) + QLatin1Char(':') +
           m_split->currentText();
}

void BenchmarkFolderDialog::setSpec(const QString& spec)
{
    const QString kind = spec.section(QLatin1Char(':'), 0, 0);
    const int index = m_kind->findData(kind);
    if (index < 0)
        return;
    m_kind->setCurrentIndex(index);
    QString folder = spec.mid(kind.size() + 1);
    const int colon = folder.lastIndexOf(QLatin1Char(':'));
    if (colon >= 0 && isSplitName(folder.mid(colon + 1))) {
        m_split->setCurrentText(folder.mid(colon + 1));
        folder = folder.left(colon);
    }
    m_folder->setText(folder);
}

void BenchmarkFolderDialog::setFolder(const QString& chosen)
{
    QString folder = QDir::cleanPath(chosen);
    const QFileInfo info(folder);
    if (isSplitName(info.fileName()))
        folder = info.absolutePath();
    const QString name = QFileInfo(folder).fileName().toLower();
    const QString path = folder.toLower();
    // The folder's own name first: "cmmlu/data" is CMMLU even where a parent says otherwise.
    for (const QString& text : {name, path}) {
        if (text.contains(QStringLiteral("cmmlu"))) {
            m_kind->setCurrentIndex(m_kind->findData(QStringLiteral("cmmlu")));
            break;
        }
        if (text.contains(QStringLiteral("ceval")) || text.contains(QStringLiteral("c-eval"))) {
            m_kind->setCurrentIndex(m_kind->findData(QStringLiteral("ceval")));
            break;
        }
        if (text.contains(QStringLiteral("mmlu"))) {
            m_kind->setCurrentIndex(m_kind->findData(QStringLiteral("mmlu")));
            break;
        }
    }
    m_folder->setText(QDir::toNativeSeparators(folder));
    m_error->hide();
}

void BenchmarkFolderDialog::browse()
{
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Benchmark data folder"), m_folder->text().trimmed());
    if (!folder.isEmpty())
        setFolder(folder);
}

QString BenchmarkFolderDialog::problem() const
{
    const QString folder = m_folder->text().trimmed();
    if (folder.isEmpty())
        return tr("Folder: choose the benchmark's data folder");
    if (!QFileInfo(folder).isDir())
        return tr("Folder not found: %1").arg(folder);
    const QString split = m_split->currentText();
    if (!QFileInfo(QDir(folder).filePath(split)).isDir())
        return tr("Folder: %1 has no %2/ folder; choose the folder that holds %3")
            .arg(folder, split,
                 benchmark(m_kind->currentData().toString()).splits.join(QStringLiteral("/, ")) +
                     QLatin1Char('/'));
    return {};
}

void BenchmarkFolderDialog::accept()
{
    const QString text = problem();
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    if (text.isEmpty())
        QDialog::accept();
}

} // namespace nf::ui
