// nf_render_icon SVG OUTDIR SIZE...: renders the app's icon to OUTDIR/SIZExSIZE/apps/NAME.png for
// the hicolor theme, NAME being the SVG's file name. Run by the build; never installed.

#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 4) {
        std::fprintf(stderr, "usage: nf_render_icon SVG OUTDIR SIZE...\n");
        return 2;
    }
    QSvgRenderer svg(args[1]);
    if (!svg.isValid()) {
        std::fprintf(stderr, "nf_render_icon: %s is not a valid SVG\n", qPrintable(args[1]));
        return 2;
    }
    const QString name = QFileInfo(args[1]).completeBaseName() + QStringLiteral(".png");
    for (const QString& sizeText : args.mid(3)) {
        const int size = sizeText.toInt();
        if (size <= 0) {
            std::fprintf(stderr, "nf_render_icon: size %s is not a positive number\n", qPrintable(sizeText));
            return 2;
        }
        QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        svg.render(&painter);
        painter.end();
        const QString folder = QStringLiteral("%1/%2x%2/apps").arg(args[2]).arg(size);
        const QString path = folder + u'/' + name;
        if (!QDir().mkpath(folder) || !image.save(path)) {
            std::fprintf(stderr, "nf_render_icon: cannot write %s\n", qPrintable(path));
            return 1;
        }
    }
    return 0;
}
