#pragma once

#include "store/store.h"

#include <QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QCheckBox;
class QLabel;
class QTableView;
QT_END_NAMESPACE

namespace nf::ui {

class EnvironmentModel;

// Tab 5: the environment snapshots of the selected runs side by side, differing keys highlighted.
class EnvironmentPage : public QWidget
{
    Q_OBJECT
public:
    explicit EnvironmentPage(QWidget* parent = nullptr);

    void setStore(const store::Store* store);
    void setRuns(const std::vector<store::RunRow>& runs);
    EnvironmentModel* model() const { return m_model; }

private:
    void updateHeader();

    const store::Store* m_store = nullptr;
    QLabel* m_header;
    QCheckBox* m_onlyDifferences;
    QTableView* m_table;
    EnvironmentModel* m_model;
};

} // namespace nf::ui
