#include "formats/task.h"

#include "common/error.h"
#include "common/sha256.h"
#include "formats/idx.h"

#include <algorithm>
#include <filesystem>

namespace nf::formats {
namespace {

namespace fs = std::filesystem;

constexpr int kFashionMnistClasses = 10;

struct TaskFiles
{
    std::string spec;
    std::string label;
    fs::path images;
    fs::path labels;
    bool fashionMnist = false;
};

InputError unknownSpec(const std::string& spec)
{
    return InputError("unknown task '" + spec +
                      "': expected fashion-mnist[:test|train] or idx:IMAGES,LABELS");
}

TaskFiles fashionMnistFiles(const std::string& spec, const std::string& split)
{
    // Debian names the test split after the original t10k files.
    const std::string prefix = split == "test" ? "t10k" : "train";
    TaskFiles files;
    files.spec = "fashion-mnist:" + split;
    files.label = files.spec;
    files.images = fs::path(kFashionMnistDir) / (prefix + "-images-idx3-ubyte.gz");
    files.labels = fs::path(kFashionMnistDir) / (prefix + "-labels-idx1-ubyte.gz");
    files.fashionMnist = true;
    for (const fs::path& file : {files.images, files.labels}) {
        if (!fs::exists(file))
            throw InputError("task '" + spec + "': " + file.string() +
                             " not found; install Debian's Fashion-MNIST with "
                             "`sudo apt-get install dataset-fashion-mnist`");
    }
    return files;
}

TaskFiles idxFiles(const std::string& spec)
{
    const std::string paths = spec.substr(4);
    const size_t comma = paths.find(',');
    if (comma == std::string::npos || comma == 0 || comma + 1 == paths.size() ||
        paths.find(',', comma + 1) != std::string::npos)
        throw InputError("task '" + spec +
                         "': expected idx:IMAGES,LABELS (two paths separated by one comma)");
    TaskFiles files;
    // Absolute, so the stored spec still names the same files from another working directory.
    files.images = fs::absolute(paths.substr(0, comma)).lexically_normal();
    files.labels = fs::absolute(paths.substr(comma + 1)).lexically_normal();
    files.spec = "idx:" + files.images.string() + "," + files.labels.string();
    files.label = "idx:" + files.images.filename().string();
    return files;
}

TaskFiles resolveSpec(const std::string& spec)
{
    if (spec == "fashion-mnist" || spec == "fashion-mnist:test")
        return fashionMnistFiles(spec, "test");
    if (spec == "fashion-mnist:train")
        return fashionMnistFiles(spec, "train");
    if (spec.starts_with("idx:"))
        return idxFiles(spec);
    throw unknownSpec(spec);
}

std::string dimsText(const std::vector<uint32_t>& dims)
{
    std::string text = "[";
    for (size_t i = 0; i < dims.size(); ++i)
        text += (i ? ", " : "") + std::to_string(dims[i]);
    return text + "]";
}

} // namespace

const std::vector<std::string>& fashionMnistClassNames()
{
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                   "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                   "Bag",         "Ankle boot"};
    return names;
}

ImageTask loadImageTask(const std::string& spec)
{
    const TaskFiles files = resolveSpec(spec);
    IdxArray images = readIdx(files.images);
    const IdxArray labels = readIdx(files.labels);

    if (images.dims.size() != 3)
        throw InputError(files.images.string() + ": expected images [n, rows, cols], found dimensions " +
                         dimsText(images.dims));
    if (labels.dims.size() != 1)
        throw InputError(files.labels.string() + ": expected labels [n], found dimensions " +
                         dimsText(labels.dims));
    if (images.dims[0] != labels.dims[0])
        throw InputError(files.images.string() + " has " + std::to_string(images.dims[0]) + " images but " +
                         files.labels.string() + " has " + std::to_string(labels.dims[0]) + " labels");
    // An empty task has no accuracy; better said here than as a NaN after a run.
    if (images.dims[0] == 0)
        throw InputError(files.images.string() + ": contains no images");

    ImageTask task;
    task.spec = files.spec;
    task.label = files.label;
    task.imagesPath = files.images.string();
    task.labelsPath = files.labels.string();
    task.n = images.dims[0];
    task.rows = static_cast<int>(images.dims[1]);
    task.cols = static_cast<int>(images.dims[2]);
    task.pixels = std::move(images.data);
    task.labels.assign(labels.data.begin(), labels.data.end());

    const int maxLabel = *std::max_element(task.labels.begin(), task.labels.end());
    if (files.fashionMnist) {
        if (maxLabel >= kFashionMnistClasses) {
            const auto bad = std::find_if(task.labels.begin(), task.labels.end(),
                                          [](int32_t label) { return label >= kFashionMnistClasses; });
            throw InputError(files.labels.string() + ": label " + std::to_string(*bad) + " of item " +
                             std::to_string(bad - task.labels.begin()) +
                             " is not a Fashion-MNIST class (0 to 9)");
        }
        task.classNames = fashionMnistClassNames();
    } else {
        for (int label = 0; label <= maxLabel; ++label)
            task.classNames.push_back(std::to_string(label));
    }

    task.sha256 = sha256Hex(sha256File(files.images) + sha256File(files.labels));
    return task;
}

} // namespace nf::formats
