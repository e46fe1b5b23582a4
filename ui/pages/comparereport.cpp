// The Compare tab's Markdown report: what a user pastes into a lab notebook or a pull request. It
// says what the tab and `noisefloor-cli compare` say: the badge, the three answers, the checks,
// what would settle it, and the subjects with their intervals.

#include "workspace/verdict.h"
#include "nf/version.h"
#include "pages/comparepage.h"
#include "pages/comparetext.h"
#include "pages/summarytext.h"

#include <QDateTime>

namespace nf::ui {
namespace {

QString text(const std::string& words)
{
    return QString::fromStdString(words);
}

// A table cell: a pipe would end it.
QString cell(const QString& value)
{
    QString escaped = value;
    return escaped.replace(u'|', QStringLiteral("\\|"));
}

} // namespace

QString ComparePage::markdownReport(const QString& imageFile) const
{
    if (!m_result)
        return {};
    const auto& c = *m_result;
    const workspace::VerdictAnswers answers = workspace::verdictAnswers(c);
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
    md += QStringLiteral("**Verdict: %1.**\n\n").arg(text(workspace::verdictBadge(c)));
    md += QStringLiteral("Δ B − A = %1 points; difference that matters %2 points.\n\n")
              .arg(signedPoints(c.delta), points(c.deltaUser));
    md +=
        QStringLiteral("- **Beyond run-to-run noise on this item set?** %1\n").arg(text(answers.beyondNoise));
    md += QStringLiteral("- **Does it matter?** %1\n").arg(text(answers.matters));
    md += QStringLiteral("- **Would it hold on new questions of the same kind?** %1\n\n")
              .arg(text(answers.newQuestions));

    md += QStringLiteral("Checks of the paired analysis:\n\n");
    md += QStringLiteral("- check, %1\n").arg(comparetext::mcNemarText(c));
    md += QStringLiteral("- check, %1\n").arg(comparetext::bootstrapText(c));
    for (const auto& disagreement : c.disagreements)
        md += QStringLiteral("- why the checks differ: %1\n").arg(text(disagreement));
    md += QStringLiteral("\n**What would settle it:** %1\n\n").arg(text(c.settle.words));

    md += QStringLiteral("| test | result |\n|---|---|\n");
    md += QStringLiteral("| primary, %1: 95% CI of Δ | %2 (t %3, df %4, p %5) |\n")
              .arg(comparetext::runTestName(c), intervalPoints(c.runTest.ci95),
                   optionalNumber(c.runTest.t, 3), optionalNumber(c.runTest.df, 1), pValueText(c.runTest.p));
    md += QStringLiteral("| minimum detectable difference (α 0.05, power 0.8) | %1 points |\n")
              .arg(c.mde ? points(*c.mde) : QStringLiteral("–"));
    if (c.matters.pLower)
        md +=
            QStringLiteral("| equivalence within ±%1 (TOST): 90% CI | %2 (p %3) |\n")
                .arg(points(c.deltaUser), intervalPoints(c.matters.ci90), pValueText(c.matters.pEquivalence));
    QString paired = QStringLiteral("primary, paired over %1 items").arg(c.paired.nItems);
    if (c.paired.clusters >= 2)
        paired += QStringLiteral(", clustered by %1 subjects").arg(c.paired.clusters);
    md += QStringLiteral("| %1: 95% CI | %2 (%3 %4, p %5) |\n")
              .arg(paired, intervalPoints(c.paired.ci95),
                   c.paired.df ? QStringLiteral("t") : QStringLiteral("z"), optionalNumber(c.paired.z, 3),
                   pValueText(c.paired.p));
    md += QStringLiteral("| check, McNemar (%1) | b %2, c %3, p %4 |\n")
              .arg(c.mcnemar.exact ? QStringLiteral("exact") : QStringLiteral("χ²"))
              .arg(c.mcnemar.b)
              .arg(c.mcnemar.c)
              .arg(pValueText(c.mcnemar.p));
    md += QStringLiteral("| check, paired bootstrap (%1 resamples): 95% CI | %2 |\n\n")
              .arg(c.bootstrap.resamples)
              .arg(intervalPoints(c.bootstrap.ci95));

    if (c.subjects.size() > 1) {
        md += QStringLiteral("| subject | items | A | B | Δ | 95% CI |\n|---|---:|---:|---:|---:|---|\n");
        for (const auto& subject : c.subjects)
            md += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                      .arg(cell(text(subject.subject)))
                      .arg(subject.nItems)
                      .arg(subject.meanA ? points(*subject.meanA) : QStringLiteral("–"),
                           subject.meanB ? points(*subject.meanB) : QStringLiteral("–"),
                           subject.delta ? signedPoints(*subject.delta) : QStringLiteral("–"),
                           intervalPoints(subject.ci95));
        md += u'\n';
    }
    if (!imageFile.isEmpty())
        md += QStringLiteral("![The two groups' runs and zones](<%1>)\n\n").arg(imageFile);
    if (!m_environmentLines.empty()) {
        md += QStringLiteral("**Warning: the groups ran in different environments.**\n\n");
        for (const auto& [key, values] : m_environmentLines)
            md += QStringLiteral("- `%1`: %2\n").arg(text(key), text(values));
        md += u'\n';
    }
    for (const auto& note : c.notes)
        md += QStringLiteral("- note: %1\n").arg(text(note));
    md += QStringLiteral("\n_Made by noisefloor %1 (%2) on %3._\n")
              .arg(QLatin1String(kVersion), QLatin1String(kGitCommit),
                   QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    return md;
}

} // namespace nf::ui
