#include "dialogs/workfooter.h"

#include "zonetext.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>

namespace nf::ui {

WorkFooter makeWorkFooter(QDialog* dialog, const QString& prefix, const QString& acceptText)
{
    WorkFooter footer;
    footer.error = new QLabel;
    footer.error->setObjectName(prefix + QStringLiteral("Error"));
    footer.error->setWordWrap(true);
    footer.error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setZoneTextColor(footer.error, stats::Zone::Suspicious);
    footer.error->hide();

    footer.busyBar = new QProgressBar;
    footer.busyBar->setObjectName(prefix + QStringLiteral("Busy"));
    footer.busyBar->setRange(0, 0);
    footer.busyBar->setMaximumWidth(160);
    footer.busyBar->setTextVisible(false);
    footer.busyText = new QLabel;
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    footer.accept = buttons->button(QDialogButtonBox::Ok);
    footer.accept->setObjectName(prefix + QStringLiteral("Button"));
    footer.accept->setText(acceptText);
    footer.cancel = buttons->button(QDialogButtonBox::Cancel);
    footer.cancel->setObjectName(QStringLiteral("cancelButton"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    footer.bar = new QHBoxLayout;
    footer.bar->addWidget(footer.busyBar);
    footer.bar->addWidget(footer.busyText, 1);
    footer.bar->addWidget(buttons);
    return footer;
}

} // namespace nf::ui
