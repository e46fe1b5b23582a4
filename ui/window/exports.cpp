#include "window/exports.h"

#include "charts/distributionchart.h"
#include "groupanalysis.h"
#include "models/browserdata.h"
#include "pages/comparepage.h"
#include "window/errorbox.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSaveFile>

namespace nf::ui {
namespace {

QString csvField(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(QStringLiteral("\""), QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

bool writeAtomically(const QString& path, const QByteArray& bytes, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = path + QStringLiteral(": ") + file.errorString();
        return false;
    }
    return true;
}

} // namespace

QString exportChart(QWidget* parent, ChartWidget* chart)
{
    const QString path = QFileDialog::getSaveFileName(parent, QStringLiteral("Export chart"),
                                                      QStringLiteral("noisefloor-chart.png"),
                                                      QStringLiteral("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty())
        return {};
    QString error;
    if (!chart->saveImage(path, &error)) {
        showErrorBox(parent, QStringLiteral("Export chart"), error);
        return {};
    }
    return QStringLiteral("Chart written to ") + path;
}

QString exportRunsCsv(QWidget* parent, const BrowserData& data, QList<qint64> runIds, const QList<qint64>& groupIds)
{
    if (runIds.isEmpty())
        for (const auto& run : data.runs)
            if (groupIds.contains(run.configId))
                runIds << run.id;
    if (runIds.isEmpty()) {
        showErrorBox(parent, QStringLiteral("Export runs"), QStringLiteral("Select runs or groups in the browser first."));
        return {};
    }
    const QString path = QFileDialog::getSaveFileName(parent, QStringLiteral("Export runs"),
                                                      QStringLiteral("noisefloor-runs.csv"), QStringLiteral("CSV (*.csv)"));
    if (path.isEmpty())
        return {};
    QString csv = QStringLiteral("run,uid,group,model,task,seed,status,accuracy,n_items,n_correct,started_at,"
                                 "finished_at,duration_s,source,tags,notes\n");
    for (const qint64 id : std::as_const(runIds)) {
        const auto* run = data.findRun(id);
        const auto* group = run ? data.findGroup(run->configId) : nullptr;
        if (!run || !group)
            continue;
        QStringList fields{QString::number(run->id),
                           QString::fromStdString(run->uid),
                           QString::number(run->configId),
                           QString::fromStdString(group->row.modelLabel),
                           QString::fromStdString(group->row.taskLabel),
                           QString::number(run->seed),
                           QString::fromStdString(store::toString(run->status)),
                           run->accuracy ? QString::number(*run->accuracy, 'g', 10) : QString(),
                           QString::number(run->nItems),
                           QString::number(run->nCorrect),
                           QString::fromStdString(run->startedAt),
                           QString::fromStdString(run->finishedAt),
                           run->durationSeconds ? QString::number(*run->durationSeconds, 'f', 3) : QString(),
                           QString::fromStdString(run->source),
                           QString::fromStdString(run->tags),
                           QString::fromStdString(run->notes)};
        for (auto& field : fields)
            field = csvField(field);
        csv += fields.join(u',') + u'\n';
    }
    QString error;
    if (!writeAtomically(path, csv.toUtf8(), &error)) {
        showErrorBox(parent, QStringLiteral("Export runs"), error);
        return {};
    }
    return QStringLiteral("%1 run(s) written to %2").arg(runIds.size()).arg(path);
}

QString exportComparisonReport(QWidget* parent, const store::Store* store, const ComparePage& compare)
{
    if (!store || !compare.comparison()) {
        showErrorBox(parent, QStringLiteral("Export report"), QStringLiteral("Compare two groups on the Compare tab first."));
        return {};
    }
    const QString path = QFileDialog::getSaveFileName(parent, QStringLiteral("Export comparison report"),
                                                      QStringLiteral("noisefloor-comparison.md"),
                                                      QStringLiteral("Markdown (*.md)"));
    if (path.isEmpty())
        return {};
    const QFileInfo info(path);
    const QString imageName = info.completeBaseName() + QStringLiteral(".png");
    // The report's chart: the two groups side by side with their zones.
    DistributionChart chart;
    std::vector<GroupAnalysis> pair;
    try {
        for (const qint64 id : {compare.groupA(), compare.groupB()})
            if (id > 0)
                pair.push_back(analyzeGroup(*store, id));
    } catch (const std::exception& e) {
        showErrorBox(parent, QStringLiteral("Export report"), QString::fromUtf8(e.what()));
        return {};
    }
    chart.setGroups(pair);
    QString error;
    if (!chart.saveImage(info.absolutePath() + u'/' + imageName, &error) ||
        !writeAtomically(path, compare.markdownReport(imageName).toUtf8(), &error)) {
        showErrorBox(parent, QStringLiteral("Export report"), error);
        return {};
    }
    return QStringLiteral("Report written to ") + path;
}

} // namespace nf::ui
