#include "dialogs/importtext.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QStringList>

namespace nf::ui {
namespace {

// The store's UTC timestamp as local time to the minute; left as stored when it does not parse.
QString importedWhen(const std::string& stored)
{
    const QString text = QString::fromStdString(stored);
    const QDateTime when = QDateTime::fromString(text, Qt::ISODate);
    return when.isValid() ? when.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : text;
}

// Where the runs come from, for the totals and the status bar: the source itself when it is one.
QString sourcesText(const workspace::ImportPreview& preview)
{
    if (preview.batches.size() == 1)
        return QStringLiteral("%1 (%2)").arg(shortSourceName(preview.batches.front().path),
                                              QString::fromStdString(preview.batches.front().format));
    return countText(static_cast<int64_t>(preview.batches.size()), "source", "sources");
}

} // namespace

QString numberText(int64_t n)
{
    return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
}

QString countText(int64_t n, const char* one, const char* many)
{
    return numberText(n) + u' ' + QLatin1String(n == 1 ? one : many);
}

QString shortSourceName(const std::string& path)
{
    const QFileInfo info(QString::fromStdString(path));
    const QString parent = info.dir().dirName();
    return parent.isEmpty() || parent == QLatin1String(".") ? info.fileName() : parent + u'/' + info.fileName();
}

QString batchStatusText(const workspace::BatchPreview& batch)
{
    if (batch.alreadyImported)
        return QStringLiteral("already imported on %1: nothing to do").arg(importedWhen(batch.importedAt));
    QStringList parts;
    if (batch.runLevelRuns > 0)
        parts << QStringLiteral("%1 run-level only (no per-item results)").arg(numberText(batch.runLevelRuns));
    if (batch.runsAlreadyHere > 0)
        parts << QStringLiteral("%1 already here").arg(countText(batch.runsAlreadyHere, "run", "runs"));
    if (batch.runs == 0 && batch.runsAlreadyHere == 0)
        parts << QStringLiteral("no runs");
    return parts.isEmpty() ? QStringLiteral("new") : parts.join(QStringLiteral("; "));
}

QString importTotalsText(const workspace::ImportPreview& preview)
{
    if (preview.batches.empty())
        return QStringLiteral("No runs found.");
    int alreadyImported = 0;
    int runsAlreadyHere = 0;
    int runLevel = 0;
    for (const auto& batch : preview.batches) {
        alreadyImported += batch.alreadyImported ? 1 : 0;
        // A source imported before counts as a source skipped, not as its runs one by one.
        runsAlreadyHere += batch.alreadyImported ? 0 : batch.runsAlreadyHere;
        runLevel += batch.runLevelRuns;
    }
    if (preview.runs == 0) {
        if (alreadyImported == 1 && preview.batches.size() == 1)
            return QStringLiteral("Nothing to import: %1 was already imported on %2.")
                .arg(shortSourceName(preview.batches.front().path), importedWhen(preview.batches.front().importedAt));
        if (alreadyImported == static_cast<int>(preview.batches.size()))
            return QStringLiteral("Nothing to import: all %1 sources were already imported.").arg(alreadyImported);
        return QStringLiteral("Nothing to import: every run is already in this database.");
    }
    QString text = QStringLiteral("%1, %2 from %3")
                       .arg(countText(preview.runs, "run", "runs"), countText(preview.items, "item", "items"),
                            sourcesText(preview));
    if (runLevel > 0)
        text += QStringLiteral("; %1 run-level only").arg(runLevel);
    if (runsAlreadyHere > 0)
        text += QStringLiteral("; %1 already here").arg(countText(runsAlreadyHere, "run", "runs"));
    if (alreadyImported > 0)
        text += QStringLiteral("; %1 imported before, skipped").arg(countText(alreadyImported, "source", "sources"));
    return text + u'.';
}

QString importGroupsText(const workspace::ImportPreview& preview)
{
    QStringList lines;
    for (const auto& line : preview.groupLines) {
        QString text = QString::fromStdString(line);
        if (!text.isEmpty())
            text[0] = text[0].toUpper();
        lines << text;
    }
    return lines.join(u'\n');
}

QString importResultText(const workspace::ImportResult& result, const workspace::ImportPreview& preview)
{
    const QString from = sourcesText(preview);
    if (result.imported == 0)
        return QStringLiteral("Nothing imported from %1: its runs were already in the database.").arg(from);
    QStringList groups;
    for (const auto id : result.groups)
        groups << QString::number(id);
    QString text = QStringLiteral("Imported %1, %2 from %3 into %4 %5")
                       .arg(countText(result.imported, "run", "runs"), countText(result.items, "item", "items"), from,
                            QLatin1String(groups.size() == 1 ? "group" : "groups"), groups.join(QStringLiteral(", ")));
    if (result.skipped > 0)
        text += QStringLiteral("; %1 already here").arg(countText(result.skipped, "run", "runs"));
    if (result.sourcesSkipped > 0)
        text += QStringLiteral("; %1 imported before, skipped").arg(countText(result.sourcesSkipped, "source", "sources"));
    return text;
}

QString mergeDryRunText(const store::MergeResult& merge, const QString& otherName)
{
    QStringList lines;
    if (merge.runsAdded == 0) {
        lines << QStringLiteral("Nothing to merge: %1 holds no completed run that is not already here.").arg(otherName);
    } else {
        QString added = QStringLiteral("%1 to add (%2)")
                            .arg(countText(merge.runsAdded, "run", "runs"), countText(merge.itemsAdded, "item", "items"));
        if (merge.reproductions > 0)
            added += QStringLiteral(", %1 reproducing a seed this database has").arg(merge.reproductions);
        lines << added + u'.';
    }
    if (merge.runsAlreadyHere > 0)
        lines << QStringLiteral("%1 already here: left as they are.").arg(countText(merge.runsAlreadyHere, "run", "runs"));
    if (merge.runsNotCompleted > 0)
        lines << QStringLiteral("%1 not completed there (running, interrupted, cancelled or failed): not merged.")
                     .arg(countText(merge.runsNotCompleted, "run", "runs"));
    if (merge.runsAdded > 0) {
        QStringList groups;
        if (merge.groupsJoined > 0)
            groups << QStringLiteral("joins %1 here").arg(countText(merge.groupsJoined, "group", "groups"));
        if (merge.groupsNew > 0)
            groups << QStringLiteral("creates %1").arg(countText(merge.groupsNew, "group", "groups"));
        if (!groups.isEmpty()) {
            QString text = groups.join(QStringLiteral(" and ")) + u'.';
            text[0] = text[0].toUpper();
            lines << text;
        }
    }
    QStringList fresh;
    if (merge.modelsNew > 0)
        fresh << countText(merge.modelsNew, "model", "models");
    if (merge.tasksNew > 0)
        fresh << countText(merge.tasksNew, "task", "tasks");
    if (merge.environmentsNew > 0)
        fresh << countText(merge.environmentsNew, "environment", "environments");
    if (merge.importsNew > 0)
        fresh << countText(merge.importsNew, "import record", "import records");
    if (!fresh.isEmpty())
        lines << QStringLiteral("New here: ") + fresh.join(QStringLiteral(", ")) + u'.';
    return lines.join(u'\n');
}

QString mergeResultText(const store::MergeResult& merge, const QString& otherName)
{
    QString text = QStringLiteral("Merged %1 (%2) from %3")
                       .arg(countText(merge.runsAdded, "run", "runs"), countText(merge.itemsAdded, "item", "items"),
                            otherName);
    if (merge.runsAlreadyHere > 0)
        text += QStringLiteral("; %1 already here").arg(countText(merge.runsAlreadyHere, "run", "runs"));
    if (merge.runsNotCompleted > 0)
        text += QStringLiteral("; %1 not completed, left out").arg(countText(merge.runsNotCompleted, "run", "runs"));
    return text;
}

} // namespace nf::ui
