#include "models/treestate.h"

#include "models/runbrowsermodel.h"

#include <QHash>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QSet>
#include <QTreeView>
#include <functional>

namespace nf::ui {
namespace {

void forEachRow(const QAbstractItemModel& model, const QModelIndex& parent,
                const std::function<void(const QModelIndex&)>& visit)
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, 0, parent);
        visit(index);
        forEachRow(model, index, visit);
    }
}

} // namespace

TreeState saveTreeState(const QTreeView& view)
{
    TreeState state;
    if (!view.model())
        return state;
    forEachRow(*view.model(), {}, [&](const QModelIndex& index) {
        if (view.isExpanded(index))
            state.expanded << RunBrowserModel::nodeKey(index);
    });
    if (view.selectionModel()) {
        const QModelIndexList rows = view.selectionModel()->selectedRows();
        for (const QModelIndex& index : rows)
            state.selected << RunBrowserModel::nodeKey(index);
        state.current = RunBrowserModel::nodeKey(view.selectionModel()->currentIndex());
    }
    state.scrollValue = view.verticalScrollBar()->value();
    return state;
}

void restoreTreeState(QTreeView& view, const TreeState& state)
{
    if (!view.model())
        return;
    const QSet<QString> expanded(state.expanded.begin(), state.expanded.end());
    const QSet<QString> selected(state.selected.begin(), state.selected.end());
    QItemSelection selection;
    QModelIndex current;
    forEachRow(*view.model(), {}, [&](const QModelIndex& index) {
        const QString key = RunBrowserModel::nodeKey(index);
        if (expanded.contains(key))
            view.setExpanded(index, true);
        if (selected.contains(key))
            selection.select(index, index.siblingAtColumn(view.model()->columnCount(index.parent()) - 1));
        if (key == state.current)
            current = index;
    });
    if (QItemSelectionModel* model = view.selectionModel()) {
        if (current.isValid())
            model->setCurrentIndex(current, QItemSelectionModel::NoUpdate);
        model->select(selection, QItemSelectionModel::ClearAndSelect);
    }
    view.verticalScrollBar()->setValue(state.scrollValue);
}

} // namespace nf::ui
