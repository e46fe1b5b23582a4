#include "charts/distributionchart.h"
#include "charts_fixture.h"
#include "core/scratch_dir.h"
#include "zonestyle.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QImage>

using nf::test::GroupSpec;
using nf::test::makeGroup;
using nf::ui::DistributionChart;

namespace {

GroupSpec someRuns()
{
    GroupSpec spec;
    spec.accuracies = nf::test::spreadAround(0.85, 0.004, 30, 3);
    spec.flipShare = 0.1;
    return spec;
}

// Pixels within a small distance of `color`: antialiased edges differ, the markers' middles not.
int pixelsNear(const QImage& image, const QColor& color)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            if (std::abs(pixel.red() - color.red()) + std::abs(pixel.green() - color.green()) +
                    std::abs(pixel.blue() - color.blue()) <=
                12)
                ++count;
        }
    return count;
}

} // namespace

TEST(ChartExport, WritesAPngThatReadsBack)
{
    nf::test::ScratchDir dir;
    DistributionChart chart;
    chart.resize(800, 500);
    chart.setGroups({makeGroup(someRuns())});
    const QString path = QString::fromStdString((dir / "chart.png").string());
    QString error;
    ASSERT_TRUE(chart.saveImage(path, &error)) << error.toStdString();
    const QImage image(path);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.size(), QSize(800, 500));
    EXPECT_GT(pixelsNear(image, nf::ui::zoneColor(nf::stats::Zone::Normal)), 50)
        << "the runs' points are drawn";
}

TEST(ChartExport, WritesAnSvgDocument)
{
    nf::test::ScratchDir dir;
    DistributionChart chart;
    chart.resize(800, 500);
    chart.setGroups({makeGroup(someRuns())});
    const QString path = QString::fromStdString((dir / "chart.svg").string());
    QString error;
    ASSERT_TRUE(chart.saveImage(path, &error)) << error.toStdString();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray svg = file.readAll();
    EXPECT_TRUE(svg.contains("<svg")) << svg.left(200).toStdString();
    EXPECT_TRUE(svg.contains("accuracy")) << "the axis title is text in the SVG";
}

TEST(ChartExport, FailsNamingThePathItCannotWrite)
{
    nf::test::ScratchDir dir;
    DistributionChart chart;
    chart.setGroups({makeGroup(someRuns())});
    for (const char* name : {"missing-folder/chart.png", "missing-folder/chart.svg"}) {
        const QString path = QString::fromStdString((dir / name).string());
        QString error;
        EXPECT_FALSE(chart.saveImage(path, &error));
        EXPECT_TRUE(error.contains(path)) << error.toStdString();
        EXPECT_FALSE(QFile::exists(path));
    }
}

TEST(ChartExport, RefusesFormatsOtherThanPngAndSvg)
{
    nf::test::ScratchDir dir;
    DistributionChart chart;
    const QString path = QString::fromStdString((dir / "chart.bmp").string());
    QString error;
    EXPECT_FALSE(chart.saveImage(path, &error));
    EXPECT_TRUE(error.contains(path)) << error.toStdString();
    EXPECT_TRUE(error.contains(QStringLiteral(".png"))) << error.toStdString();
}

TEST(ChartExport, RendersAWidgetThatWasNeverShown)
{
    DistributionChart chart;
    chart.setGroups({makeGroup(someRuns())});
    ASSERT_FALSE(chart.isVisible());
    const QImage image = chart.renderImage(QSize(900, 560));
    ASSERT_EQ(image.size(), QSize(900, 560));
    EXPECT_GT(pixelsNear(image, nf::ui::zoneColor(nf::stats::Zone::Normal)), 50);
    // Rendering again after new groups draws the new chart only, not leftovers of the old one.
    const std::vector<nf::ui::GroupAnalysis> two = {makeGroup(someRuns()), makeGroup(someRuns())};
    chart.setGroups(two);
    DistributionChart fresh;
    fresh.setGroups(two);
    EXPECT_EQ(chart.renderImage(QSize(900, 560)), fresh.renderImage(QSize(900, 560)));
}

TEST(ChartExport, DrawsTheSameImageAfterEarlierOnes)
{
    GroupSpec other = someRuns();
    other.groupId = 2;
    other.firstRunId = 100;
    const std::vector<nf::ui::GroupAnalysis> groups = {makeGroup(someRuns()), makeGroup(other)};
    DistributionChart fresh;
    fresh.setGroups(groups);
    const QImage expected = fresh.renderImage(QSize(1000, 600));

    DistributionChart chart;
    chart.setGroups(groups);
    chart.renderImage(QSize(1000, 600));
    chart.renderImage(QSize(300, 200));
    chart.setGroups(groups);
    EXPECT_EQ(chart.renderImage(QSize(1000, 600)), expected) << "nothing laid out for an earlier image stays";
}
