#include "pages/summarytext.h"

#include "workspace/number_text.h"
#include "zonestyle.h"

namespace nf::ui {

QString points(double fraction, int decimals)
{
    return QString::fromStdString(workspace::fixedText(fraction * 100.0, decimals));
}

QString signedPoints(double fraction, int decimals)
{
    return QString::fromStdString(workspace::signedPointsText(fraction, decimals));
}

// The CLI's formatting (core/workspace/number_text.h), with an en dash for an absent value.
QString intervalPoints(const std::optional<stats::Interval>& range)
{
    return QString::fromStdString(workspace::pointsIntervalText(range, "–"));
}

QString optionalNumber(std::optional<double> value, int decimals)
{
    return QString::fromStdString(workspace::optionalNumberText(value, decimals, "–"));
}

QString pValueText(std::optional<double> p)
{
    return QString::fromStdString(workspace::pValueText(p, "–"));
}

QString summaryHtml(const GroupAnalysis& analysis, const QPalette& palette)
{
    const QString title = QString::fromStdString(analysis.title).toHtmlEscaped();
    // What the zones are measured in decides how every number below reads: said first.
    const QString unitNote = noiseUnitNoteHtml({&analysis});
    QString html = unitNote.isEmpty() ? QString() : unitNote + QStringLiteral("<br>");
    if (!analysis.summary)
        return html + QStringLiteral("<b>%1</b><br>No completed runs yet.").arg(title);
    const auto& s = *analysis.summary;
    html += QStringLiteral("<b>%1</b><br>").arg(title);
    html += QStringLiteral("%1 runs · mean <b>%2</b> · sd %3 · range %4 · 95% CI %5 · next run %6<br>")
                .arg(s.n)
                .arg(points(s.mean), s.sd ? points(*s.sd) : QStringLiteral("–"), points(s.range),
                     intervalPoints(s.ci95), intervalPoints(s.pi95));
    html += QStringLiteral("reference %1 = %2")
                .arg(QString::fromStdString(s.referenceLabel), points(s.reference));
    if (s.noiseFloorPoints)
        html += QStringLiteral(" · expected seed noise ±%1 points (95%)")
                    .arg(points(*s.noiseFloorPoints / 100.0));
    if (s.flipRate)
        html += QStringLiteral(" · %1 of %2 items flip (%3%)")
                    .arg(s.flipItems)
                    .arg(s.nItems)
                    .arg(QString::fromStdString(workspace::fixedText(*s.flipRate * 100.0, 1)));
    if (s.seQuestion)
        html += QStringLiteral(" · new-questions SE %1").arg(points(*s.seQuestion));
    int counts[4] = {0, 0, 0, 0};
    for (const auto& run : s.runs)
        ++counts[static_cast<int>(run.zone)];
    html += QStringLiteral("<br>");
    for (int zone = 0; zone < 4; ++zone) {
        const auto z = static_cast<stats::Zone>(zone);
        html += QStringLiteral("<span style='color:%1'>●</span> %2 %3&nbsp;&nbsp;")
                    .arg(zoneColor(z, palette).name(), zoneName(z))
                    .arg(counts[zone]);
    }
    // The bounds the counts are over, in points: a reader of a noise-unit group sees both.
    const stats::ZoneThresholds& t = s.zones.thresholds;
    html += QStringLiteral("(zones at ±%1, %2, %3 points)")
                .arg(points(t.watch / 100.0), points(t.elevated / 100.0), points(t.suspicious / 100.0));
    // A watch threshold below the item set's own noise turns the zones to noise units, which the
    // first line then says: no note of it at the bottom.
    return html;
}

} // namespace nf::ui
