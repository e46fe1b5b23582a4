#pragma once

#include "jobs/job.h"
#include "models/flipitemsdata.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
QT_END_NAMESPACE

namespace nf::ui {

class FlipItemsModel;
class FlipItemsProxy;

// Tab 4: the items whose correctness varies across the selected group's runs. The table is read
// on a pool thread with the job's own read-only Store (the majority answer reads run items); a
// result for a group the user has since left is dropped.
class ItemsPage : public QWidget
{
    Q_OBJECT
public:
    explicit ItemsPage(QWidget* parent = nullptr);
    ~ItemsPage() override;

    void setDatabasePath(const QString& path);
    // 0: nothing selected.
    void setGroup(qint64 groupId, const QString& title);
    bool busy() const;
    FlipItemsModel* model() const { return m_model; }

private:
    void showItems(const FlipItemsData& data);

    QString m_databasePath;
    qint64 m_groupId = 0;
    QString m_title;
    QLabel* m_header;
    QLineEdit* m_filter;
    QComboBox* m_subject;
    QTableView* m_table;
    FlipItemsModel* m_model;
    FlipItemsProxy* m_proxy;
    Job<FlipItemsData> m_job;
};

} // namespace nf::ui
