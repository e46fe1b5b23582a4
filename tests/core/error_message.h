#pragma once

#include "common/error.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace nf::test {

// The message of the Error that `action` throws; a test failure (and "") when it throws none.
template <typename Error = nf::InputError> std::string errorMessage(const std::function<void()>& action)
{
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    ADD_FAILURE() << "expected an exception";
    return {};
}

} // namespace nf::test
