// The Compare tab's "Run N more repeats": shown only when more repeats are what would settle the
// open question, never for a group that cannot be run again here; a click states the cost and
// asks before anything is queued, and a plan above the app's limit is refused with the reason.

#include "workspace/verdict.h"
#include "dialogs/settingsdialog.h"
#include "pages/comparepage.h"
#include "pages/comparetext.h"

#include <QComboBox>
#include <QMessageBox>
#include <QPushButton>

namespace nf::ui {
namespace {

struct RepeatsPlan
{
    workspace::MoreRepeats more;
    std::optional<double> seconds;
};

// The runs the comparison asks for (never of a pinned run's group: the comparison was told A is
// one fixed run), with the time they take.
std::optional<RepeatsPlan> repeatsPlan(const stats::Comparison& c)
{
    const auto more = workspace::moreRepeatsNeeded(c);
    if (!more)
        return std::nullopt;
    return RepeatsPlan{*more, c.settle.seconds};
}

} // namespace

void ComparePage::updateMoreButton()
{
    m_more->hide();
    if (!m_result)
        return;
    const auto plan = repeatsPlan(*m_result);
    if (!plan)
        return;
    // Imported runs have no model file here to run again: no button that can only say so.
    auto imported = [this](qint64 group) {
        const auto row = m_store ? m_store->group(group) : std::nullopt;
        return row && m_store->model(row->modelId).kind == "imported";
    };
    try {
        if ((plan->more.a > 0 && imported(m_resultA)) || (plan->more.b > 0 && imported(m_resultB)))
            return;
    } catch (const std::exception&) {
        return; // a group deleted meanwhile: the next refresh compares again
    }
    m_more->setText(comparetext::repeatsButtonText(plan->more.total(), plan->seconds));
    m_more->setToolTip(
        QStringLiteral("%1 more on A and %2 more on B, with the same configs and new seeds; asks "
                       "before it queues them")
            .arg(plan->more.a)
            .arg(plan->more.b));
    m_more->show();
}

void ComparePage::askForMoreRepeats()
{
    if (!m_result)
        return;
    const auto plan = repeatsPlan(*m_result);
    if (!plan)
        return;
    if (m_moreBox)
        m_moreBox->close();
    const int limit = SettingsDialog::maxRepeatsAtOnce();
    if (plan->more.total() > limit) {
        auto* box = new QMessageBox(
            QMessageBox::Information, QStringLiteral("Run more repeats"),
            comparetext::refuseRepeatsText(plan->more.total(), limit, plan->seconds, *m_result),
            QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("moreRepeatsRefused"));
        box->setAttribute(Qt::WA_DeleteOnClose);
        m_moreBox = box;
        m_moreBoxPair = {m_a->currentData().toLongLong(), m_b->currentData().toLongLong()};
        box->open();
        return;
    }
    auto* box = new QMessageBox(
        QMessageBox::Question, QStringLiteral("Run more repeats"),
        comparetext::confirmRepeatsText(plan->more, m_resultA, m_resultB, plan->seconds, *m_result),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("moreRepeatsConfirm"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->button(QMessageBox::Yes)
        ->setText(plan->more.total() == 1 ? QStringLiteral("Queue 1 run")
                                          : QStringLiteral("Queue %1 runs").arg(plan->more.total()));
    box->setDefaultButton(QMessageBox::Yes);
    // The pair and the plan as the box states them: a recompute closes the box before it can differ.
    const qint64 groupA = m_resultA;
    const qint64 groupB = m_resultB;
    const auto more = plan->more;
    connect(box, &QMessageBox::buttonClicked, this,
            [this, box, groupA, groupB, more](QAbstractButton* button) {
                if (box->standardButton(button) == QMessageBox::Yes)
                    Q_EMIT moreRepeatsRequested(groupA, groupB, static_cast<int>(more.a),
                                                static_cast<int>(more.b));
            });
    m_moreBox = box;
    m_moreBoxPair = {m_a->currentData().toLongLong(), m_b->currentData().toLongLong()};
    box->open();
}

} // namespace nf::ui
