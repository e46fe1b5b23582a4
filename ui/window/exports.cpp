#include "window/exports.h"

#include "workspace/export_csv.h"
#include "charts/distributionchart.h"
#include "groupanalysis.h"
#include "models/browserdata.h"
#include "pages/comparepage.h"
#include "window/errorbox.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSaveFile>

#include <sstream>

namespace nf::ui {
namespace {

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

QString exportRunsCsv(QWidget* parent, const store::Store* store, const BrowserData& data, QList<qint64> runIds,
                      const QList<qint64>& groupIds)
{
    if (runIds.isEmpty())
        for (const auto& run : data.runs)
            if (groupIds.contains(run.configId))
                runIds << run.id;
    if (!store || runIds.isEmpty()) {
        showErrorBox(parent, QStringLiteral("Export runs"), QStringLiteral("Select runs or groups in the browser first."));
        return {};
    }
    const QString path = QFileDialog::getSaveFileName(parent, QStringLiteral("Export runs"),
                                                      QStringLiteral("noisefloor-runs.csv"), QStringLiteral("CSV (*.csv)"));
    if (path.isEmpty())
        return {};
    std::ostringstream csv;
    size_t written = 0;
    try {
        written = workspace::writeRunsCsv(*store, std::vector<int64_t>(runIds.begin(), runIds.end()), csv);
    } catch (const std::exception& e) {
        showErrorBox(parent, QStringLiteral("Export runs"), QString::fromUtf8(e.what()));
        return {};
    }
    QString error;
    if (!writeAtomically(path, QByteArray::fromStdString(csv.str()), &error)) {
        showErrorBox(parent, QStringLiteral("Export runs"), error);
        return {};
    }
    return QStringLiteral("%1 run(s) written to %2").arg(written).arg(path);
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
