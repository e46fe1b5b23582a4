// The Compare tab's Markdown report: what a user pastes into a lab notebook or a pull request.

#include "pages/comparepage.h"

#include "analysis/verdict.h"
#include "nf/version.h"
#include "pages/summarytext.h"

#include <QDateTime>

namespace nf::ui {

QString ComparePage::markdownReport(const QString& imageFile) const
{
    if (!m_result)
        return {};
    const auto& c = *m_result;
    QString md;
    md += QStringLiteral("# noisefloor comparison\n\n");
    md += QStringLiteral("- **A**: %1 — %2 runs, mean %3, sd %4\n")
              .arg(m_labelA)
              .arg(c.runsA)
              .arg(points(c.meanA), c.sdA ? points(*c.sdA) : QStringLiteral("–"));
    md += QStringLiteral("- **B**: %1 — %2 runs, mean %3, sd %4\n\n")
              .arg(m_labelB)
              .arg(c.runsB)
              .arg(points(c.meanB), c.sdB ? points(*c.sdB) : QStringLiteral("–"));
    md += QStringLiteral("**Verdict: %1.** %2\n\n")
              .arg(QString::fromStdString(analysis::verdictBadge(c)), QString::fromStdString(analysis::verdictWords(c)));
    md += QStringLiteral("**On new questions:** %1\n\n").arg(QString::fromStdString(c.newQuestions));
    md += QStringLiteral("| | value |\n|---|---|\n");
    md += QStringLiteral("| Δ B − A | %1 points |\n").arg(signedPoints(c.delta));
    md += QStringLiteral("| %1 test, 95% CI of Δ | %2 (t %3, df %4, p %5) |\n")
              .arg(QString::fromLatin1(stats::runTestMethodName(c.runTest.method)), intervalPoints(c.runTest.ci95),
                   optionalNumber(c.runTest.t, 3), optionalNumber(c.runTest.df, 1), pValueText(c.runTest.p));
    md += QStringLiteral("| minimum detectable difference (α 0.05, power 0.8) | %1 points |\n")
              .arg(c.mde ? points(*c.mde) : QStringLiteral("–"));
    md += QStringLiteral("| repeats per group for a %1-point difference | %2 |\n")
              .arg(points(c.deltaUser), c.repeatsNeeded ? QString::number(*c.repeatsNeeded) : QStringLiteral("–"));
    md += QStringLiteral("| paired over %1 items, 95% CI | %2 (z %3, p %4) |\n")
              .arg(c.paired.nItems)
              .arg(intervalPoints(c.paired.ci95), optionalNumber(c.paired.z, 3), pValueText(c.paired.p));
    md += QStringLiteral("| McNemar (%1) | b %2, c %3, p %4 |\n")
              .arg(c.mcnemar.exact ? QStringLiteral("exact") : QStringLiteral("χ²"))
              .arg(c.mcnemar.b)
              .arg(c.mcnemar.c)
              .arg(pValueText(c.mcnemar.p));
    md += QStringLiteral("| paired bootstrap (%1 resamples), 95% CI | %2 |\n\n")
              .arg(c.bootstrap.resamples)
              .arg(intervalPoints(c.bootstrap.ci95));
    if (!imageFile.isEmpty())
        md += QStringLiteral("![The two groups' runs and zones](<%1>)\n\n").arg(imageFile);
    if (!m_environmentLines.empty()) {
        md += QStringLiteral("**Warning: the groups ran in different environments.**\n\n");
        for (const auto& [key, values] : m_environmentLines)
            md += QStringLiteral("- `%1`: %2\n").arg(QString::fromStdString(key), QString::fromStdString(values));
        md += u'\n';
    }
    for (const auto& note : c.notes)
        md += QStringLiteral("- note: %1\n").arg(QString::fromStdString(note));
    md += QStringLiteral("\n_Made by noisefloor %1 (%2) on %3._\n")
              .arg(QLatin1String(kVersion), QLatin1String(kGitCommit),
                   QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    return md;
}

} // namespace nf::ui
