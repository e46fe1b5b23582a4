#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nf::formats {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// An image-classification task: N images of rows x cols bytes with a label each.
struct ImageTask
{
    std::string spec;       // canonical spec: "fashion-mnist:test" or "idx:IMAGES,LABELS"
    std::string label;      // short name for tables: "fashion-mnist:test", "idx:t10k-images..."
    std::string imagesPath; // absolute paths of the files read
    std::string labelsPath;
    std::string sha256; // of the two files' sha256 concatenated: identifies the data, not the path
    int64_t n = 0;
    int rows = 0;
    int cols = 0;
    std::vector<uint8_t> pixels;         // n * rows * cols, row-major
    std::vector<int32_t> labels;         // n, each in [0, classNames.size())
    std::vector<std::string> classNames; // index = label; "0".."9" when the data has no names

    int numClasses() const { return static_cast<int>(classNames.size()); }
};

// Loads a task from its spec:
//   fashion-mnist            Debian's dataset-fashion-mnist test split (10,000 items)
//   fashion-mnist:test|train the test or training split
//   idx:IMAGES,LABELS        an IDX3 image file and an IDX1 label file (.gz or raw)
// Checks that the counts of images and labels agree. The number of classes is 10 for
// Fashion-MNIST (with its class names) and max(label) + 1 for IDX files.
// Throws nf::InputError naming the spec or the file and what is wrong.
ImageTask loadImageTask(const std::string& spec);

// Fashion-MNIST's class names, index = label.
const std::vector<std::string>& fashionMnistClassNames();

} // namespace nf::formats
