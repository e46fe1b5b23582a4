#pragma once

// Keeps a run browser's expansion, selection, current row and scroll position across a refresh
// (RunBrowserModel resets; its node keys are stable). Works through any proxy over the model.

#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QTreeView;
QT_END_NAMESPACE

namespace nf::ui {

struct TreeState
{
    QStringList expanded; // RunBrowserModel::nodeKey of each expanded row
    QStringList selected; // of each selected row
    QString current;
    int scrollValue = 0;
};

TreeState saveTreeState(const QTreeView& view);
// Rows that no longer exist (a deleted run) are skipped.
void restoreTreeState(QTreeView& view, const TreeState& state);

} // namespace nf::ui
