#include "pages/itemspage.h"

#include "models/flipitemsmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace nf::ui {
namespace {

constexpr int kQuestionMinimumWidth = 240; // pixels

} // namespace

ItemsPage::ItemsPage(QWidget* parent)
    : QWidget(parent), m_header(new QLabel(this)), m_filter(new QLineEdit(this)),
      m_subject(new QComboBox(this)), m_table(new QTableView(this)), m_model(new FlipItemsModel(this)),
      m_proxy(new FlipItemsProxy(this))
{
    setObjectName(QStringLiteral("itemsPage"));
    m_header->setObjectName(QStringLiteral("itemsHeader"));
    m_filter->setObjectName(QStringLiteral("itemsFilter"));
    m_subject->setObjectName(QStringLiteral("itemsSubject"));
    m_table->setObjectName(QStringLiteral("itemsTable"));
    m_header->setWordWrap(true);
    m_filter->setPlaceholderText(QStringLiteral("Filter items: index, subject, answer, question…"));
    m_filter->setClearButtonEnabled(true);

    m_proxy->setSourceModel(m_model);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(FlipItemsModel::CorrectRateColumn, Qt::AscendingOrder);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(kFlipThumbnailSize + 4);
    m_table->setIconSize(QSize(kFlipThumbnailSize, kFlipThumbnailSize));
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &FlipItemsProxy::setFilterText);
    connect(m_subject, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_proxy->setSubject(index <= 0 ? QString() : m_subject->itemText(index)); });
    connect(&m_job, &JobBase::finished, this, [this] { showItems(m_job.takeResult()); });
    connect(&m_job, &JobBase::failed, this, [this](const QString& message) {
        m_header->setText(QStringLiteral("Could not read the items: ") + message);
    });

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_filter, 1);
    controls->addWidget(new QLabel(QStringLiteral("Subject"), this));
    controls->addWidget(m_subject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addLayout(controls);
    layout->addWidget(m_table, 1);
    setGroup(0, {});
}

ItemsPage::~ItemsPage()
{
    m_job.waitForFinished();
}

void ItemsPage::setDatabasePath(const QString& path)
{
    m_job.setDatabasePath(path);
    m_databasePath = path;
}

void ItemsPage::setGroup(qint64 groupId, const QString& title)
{
    m_groupId = groupId;
    m_title = title;
    if (groupId <= 0 || m_databasePath.isEmpty()) {
        m_job.discard();
        m_model->setFlipItems({});
        m_header->setText(
            QStringLiteral("Select a config group to see the items whose answers change between its runs."));
        return;
    }
    m_header->setText(QStringLiteral("Reading the items of group %1…").arg(groupId));
    m_job.start([groupId](JobContext& context) { return loadFlipItems(context.readOnlyStore(), groupId); });
}

bool ItemsPage::busy() const
{
    return m_job.busy();
}

void ItemsPage::showItems(const FlipItemsData& data)
{
    QString header = QStringLiteral("<b>%1</b><br>%2 of %3 items flip: some of the %4 runs answer them "
                                    "correctly, others do not")
                         .arg(m_title.toHtmlEscaped())
                         .arg(data.items.size())
                         .arg(data.itemsSeen)
                         .arg(data.countedRuns);
    if (data.runsForMajority < data.countedRuns)
        header += QStringLiteral("; the majority answer reads the latest %1 runs").arg(data.runsForMajority);
    header += QStringLiteral(". Correct rate: the share of runs that answered the item correctly.");
    if (data.choiceLetters && !data.questions)
        header += QStringLiteral(" The task's questions could not be read from %1 (moved or changed since).")
                      .arg(QString::fromStdString(data.task.path).toHtmlEscaped());
    m_header->setText(header);
    m_model->setFlipItems(data);
    const QSignalBlocker block(m_subject);
    m_subject->clear();
    m_subject->addItem(QStringLiteral("all"));
    m_subject->addItems(m_model->subjects());
    m_proxy->setSubject({});
    // Thumbnails need tall rows; text rows stay one line high, the question last, filling the width.
    m_table->verticalHeader()->setDefaultSectionSize(data.thumbnails ? kFlipThumbnailSize + 4
                                                                     : m_table->fontMetrics().height() + 10);
    m_table->setColumnHidden(FlipItemsModel::QuestionColumn, !data.questions);
    m_table->resizeColumnsToContents();
    // A question takes the width the other columns leave (the last section stretches; its tooltip
    // has the whole text) rather than its own length, which would push the table sideways.
    if (data.questions)
        m_table->setColumnWidth(FlipItemsModel::QuestionColumn, kQuestionMinimumWidth);
}

} // namespace nf::ui
