#include "pages/environmentpage.h"

#include "models/environmentmodel.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>
#include <QVBoxLayout>

namespace nf::ui {

EnvironmentPage::EnvironmentPage(QWidget* parent)
    : QWidget(parent), m_header(new QLabel(this)),
      m_onlyDifferences(new QCheckBox(QStringLiteral("Only keys that differ"), this)), m_table(new QTableView(this)),
      m_model(new EnvironmentModel(this))
{
    setObjectName(QStringLiteral("environmentPage"));
    m_header->setObjectName(QStringLiteral("environmentHeader"));
    m_onlyDifferences->setObjectName(QStringLiteral("onlyDifferences"));
    m_table->setObjectName(QStringLiteral("environmentTable"));
    m_header->setWordWrap(true);
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->horizontalHeader()->setMaximumSectionSize(360);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    connect(m_onlyDifferences, &QCheckBox::toggled, this, [this](bool only) {
        m_model->setOnlyDifferences(only);
        updateHeader();
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_onlyDifferences);
    layout->addWidget(m_table, 1);
    updateHeader();
}

void EnvironmentPage::setStore(const store::Store* store)
{
    m_store = store;
}

void EnvironmentPage::setRuns(const std::vector<store::RunRow>& runs)
{
    std::vector<int64_t> ids;
    for (const auto& run : runs)
        ids.push_back(run.id);
    m_model->setEnvironments(m_store ? loadEnvironments(*m_store, ids) : std::vector<RunEnvironment>{});
    m_table->resizeColumnsToContents();
    updateHeader();
}

void EnvironmentPage::updateHeader()
{
    const int runs = static_cast<int>(m_model->runIds().size());
    if (runs == 0) {
        m_header->setText(QStringLiteral("Select runs (or a group: its latest runs) to compare where they ran."));
        return;
    }
    QString text = QStringLiteral("%1 run(s); %2 key(s) differ between them, shaded.")
                       .arg(runs)
                       .arg(m_model->differingKeys());
    if (m_model->omittedRuns() > 0)
        text += QStringLiteral(" %1 more run(s) selected are not shown (at most %2 side by side).")
                    .arg(m_model->omittedRuns())
                    .arg(EnvironmentModel::kMaxRuns);
    m_header->setText(text);
}

} // namespace nf::ui
