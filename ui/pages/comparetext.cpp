#include "pages/comparetext.h"

#include "workspace/number_text.h"
#include "common/text.h"
#include "pages/summarytext.h"

#include <QStringList>
#include <cmath>

namespace nf::ui::comparetext {
namespace {

QString html(const std::string& text)
{
    return QString::fromStdString(text).toHtmlEscaped();
}

QString line(const QString& question, const std::string& answer)
{
    return QStringLiteral("<b>%1</b> %2").arg(question.toHtmlEscaped(), html(answer));
}

QString runs(int64_t count)
{
    return count == 1 ? QStringLiteral("1 run") : QStringLiteral("%1 runs").arg(count);
}

} // namespace

QString durationText(double seconds)
{
    return QString::fromStdString(nf::durationText(seconds));
}

QString mcNemarText(const stats::Comparison& c)
{
    return QStringLiteral("McNemar on majority answers: b %1, c %2 (%3), p %4")
        .arg(c.mcnemar.b)
        .arg(c.mcnemar.c)
        .arg(c.mcnemar.exact ? QStringLiteral("exact binomial") : QStringLiteral("χ², continuity corrected"),
             pValueText(c.mcnemar.p));
}

QString bootstrapText(const stats::Comparison& c)
{
    return QStringLiteral("paired bootstrap over items (%1 resamples): 95% CI %2")
        .arg(c.bootstrap.resamples)
        .arg(intervalPoints(c.bootstrap.ci95));
}

QString runTestName(const stats::Comparison& c)
{
    switch (c.runTest.method) {
    case stats::RunTestMethod::Welch:
        return QStringLiteral("Welch's t-test");
    case stats::RunTestMethod::OneSample:
        return QStringLiteral("one-sample t-test (%1's runs do not vary)")
            .arg(c.sdA && *c.sdA == 0.0 ? QLatin1Char('A') : QLatin1Char('B'));
    case stats::RunTestMethod::Exact:
        return QStringLiteral("exact (neither group's runs vary)");
    case stats::RunTestMethod::Pooled:
        return QStringLiteral("Student's t (a group with one run takes the other's spread)");
    case stats::RunTestMethod::None:
        break;
    }
    return QStringLiteral("no test (no run-to-run spread to test against)");
}

AnswerLines answerLines(const stats::Comparison& c)
{
    const workspace::VerdictAnswers answers = workspace::verdictAnswers(c);
    AnswerLines lines;
    lines.beyondNoise = line(QStringLiteral("Beyond run-to-run noise?"), answers.beyondNoise);
    // The answer opens with "(difference that matters X points)", which completes the question.
    lines.matters = line(QStringLiteral("Does it matter?"), answers.matters);
    lines.newQuestions = line(QStringLiteral("Would it hold on new questions?"), answers.newQuestions);
    lines.checks = QStringLiteral("<b>Checks</b> of the paired analysis: %1; %2.")
                       .arg(mcNemarText(c).toHtmlEscaped(), bootstrapText(c).toHtmlEscaped());
    if (c.disagreements.empty()) {
        lines.checks += QStringLiteral(" Neither disagrees with it.");
    } else {
        for (const auto& disagreement : c.disagreements)
            lines.checks += QStringLiteral("<br><b>Why the checks differ:</b> ") + html(disagreement);
    }
    lines.settle = line(QStringLiteral("What would settle it:"), c.settle.words);
    return lines;
}

QString detailsHtml(const stats::Comparison& c, const QString& labelA, const QString& labelB)
{
    QString text = QStringLiteral("<p><b>A</b> %1: %2, mean %3, sd %4<br><b>B</b> %5: %6, mean %7, sd %8</p>")
                       .arg(labelA.toHtmlEscaped(), runs(c.runsA), points(c.meanA),
                            c.sdA ? points(*c.sdA) : QStringLiteral("–"), labelB.toHtmlEscaped(),
                            runs(c.runsB), points(c.meanB), c.sdB ? points(*c.sdB) : QStringLiteral("–"));
    text += QStringLiteral("<p><b>Δ B − A = %1 points</b>; difference that matters %2 points</p>")
                .arg(signedPoints(c.delta), points(c.deltaUser));

    text += QStringLiteral("<p><b>Beyond run-to-run noise on this item set?</b><br>"
                           "primary, %1: 95% CI %2, t %3, df %4, p %5<br>"
                           "minimum detectable difference %6 points (α 0.05, power 0.8)</p>")
                .arg(runTestName(c).toHtmlEscaped(), intervalPoints(c.runTest.ci95),
                     optionalNumber(c.runTest.t, 3), optionalNumber(c.runTest.df, 1),
                     pValueText(c.runTest.p).toHtmlEscaped(), c.mde ? points(*c.mde) : QStringLiteral("–"));

    const auto& m = c.matters;
    text += QStringLiteral("<p><b>Does it matter?</b> (δ = %1 points)<br>").arg(points(c.deltaUser));
    if (m.pLower)
        text += QStringLiteral(
                    "two one-sided tests (TOST): B − A &gt; −δ t %1, p %2; B − A &lt; +δ t %3, p %4<br>"
                    "equivalence p %5; 90% CI %6 (negligible if within ±δ); 95% CI %7 (matters if "
                    "beyond ±δ)</p>")
                    .arg(optionalNumber(m.tLower, 3), pValueText(m.pLower).toHtmlEscaped(),
                         optionalNumber(m.tUpper, 3), pValueText(m.pUpper).toHtmlEscaped(),
                         pValueText(m.pEquivalence).toHtmlEscaped(), intervalPoints(m.ci90),
                         intervalPoints(c.runTest.ci95));
    else if (c.runTest.method == stats::RunTestMethod::Exact)
        text += QStringLiteral("|Δ| against δ directly: no run of either group varies, so Δ is exact</p>");
    else
        text += QStringLiteral("no test: without a run-to-run spread there is no interval to hold against δ</p>");

    const auto& p = c.paired;
    QString primary = QStringLiteral("primary, paired over %1 items").arg(p.nItems);
    if (p.clusters >= 2)
        primary += QStringLiteral(", clustered by %1 subjects").arg(p.clusters);
    text += QStringLiteral("<p><b>Would it hold on new questions of the same kind?</b><br>"
                           "%1: 95% CI %2, %3 %4%5, p %6, item correlation %7<br>"
                           "check, %8<br>check, %9</p>")
                .arg(primary.toHtmlEscaped(), intervalPoints(p.ci95),
                     p.df ? QStringLiteral("t") : QStringLiteral("z"), optionalNumber(p.z, 3),
                     p.df ? QStringLiteral(" (df %1)").arg(optionalNumber(p.df, 0)) : QString(),
                     pValueText(p.p).toHtmlEscaped(), optionalNumber(p.correlation, 3),
                     mcNemarText(c).toHtmlEscaped(), bootstrapText(c).toHtmlEscaped());
    if (p.clusters >= 2 && p.seItems && p.se)
        text += QStringLiteral("<p><i>Questions of one subject are not independent: the standard error is %1 "
                               "points clustered by subject, %2 if the items were independent.</i></p>")
                    .arg(points(*p.se), points(*p.seItems));

    QStringList notes;
    for (const auto& note : c.notes)
        notes << QStringLiteral("note: ") + html(note);
    if (!notes.isEmpty())
        text += QStringLiteral("<p><i>") + notes.join(QStringLiteral("<br>")) + QStringLiteral("</i></p>");
    return text;
}

QString repeatsButtonText(int64_t runs, std::optional<double> seconds)
{
    QString text =
        runs == 1 ? QStringLiteral("Run 1 more repeat") : QStringLiteral("Run %1 more repeats").arg(runs);
    if (seconds && *seconds > 0)
        text += QStringLiteral(" (%1)").arg(durationText(*seconds));
    return text;
}

QString confirmRepeatsText(const workspace::MoreRepeats& more, qint64 groupA, qint64 groupB,
                           std::optional<double> seconds, const stats::Comparison& c)
{
    QString text =
        QStringLiteral("Queue %1: %2 on A (group %3) and %4 on B (group %5), with the same configs and "
                       "new seeds")
            .arg(runs(more.total()), runs(more.a))
            .arg(groupA)
            .arg(runs(more.b))
            .arg(groupB);
    text += seconds && *seconds > 0
                ? QStringLiteral(", %1 from the groups' past runs.").arg(durationText(*seconds))
                : QStringLiteral("; how long they take is not known from past runs.");
    text += QStringLiteral("\n\nWhat would settle it: ") + QString::fromStdString(c.settle.words);
    return text;
}

QString refuseRepeatsText(int64_t runs, int limit, std::optional<double> seconds, const stats::Comparison& c)
{
    QString text =
        QStringLiteral("%1 runs is more than the limit of %2 set in Settings: ").arg(runs).arg(limit);
    text +=
        seconds && *seconds > 0
            ? QStringLiteral("they would take %1, and a plan that size is worth a second look before it is "
                             "queued.")
                  .arg(durationText(*seconds))
            : QStringLiteral("a plan that size is worth a second look before it is queued.");
    text += QStringLiteral(
                "\n\nWhat would help instead: check that the difference that matters (%1 points) is not "
                "stricter than the decision needs (the runs needed grow with the inverse of its square); add "
                "questions of this kind, which also narrow the answer on new questions; or queue a first "
                "batch from the browser's menu (Run 5 more repeats) and compare again. To queue them all, "
                "raise the limit in Edit → Settings.")
                .arg(points(c.deltaUser));
    return text;
}

} // namespace nf::ui::comparetext
