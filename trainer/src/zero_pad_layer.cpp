#include "tinydigit/trainer/zero_pad_layer.hpp"

#include <cstring>
#include <stdexcept>

namespace tinydigit::trainer {

using dnnl::memory;

namespace {

// The format tag of a plain NCHW or channel-blocked (nChw8c / nChw16c) descriptor.
memory::format_tag tag_of(const memory::desc& desc) {
    const auto& blocking = desc.data.format_desc.blocking;
    if (blocking.inner_nblks == 0) return memory::format_tag::nchw;
    if (blocking.inner_nblks == 1 && blocking.inner_idxs[0] == 1) {
        if (blocking.inner_blks[0] == 16) return memory::format_tag::nChw16c;
        if (blocking.inner_blks[0] == 8) return memory::format_tag::nChw8c;
    }
    throw std::logic_error("ZeroPadLayer: unexpected activation layout");
}

}  // namespace

ZeroPadLayer::ZeroPadLayer(Device& device, const memory::desc& src_desc, int padding) : device_(device) {
    auto dims = src_desc.dims();
    const memory::dims src_dims = dims;
    dims[2] += 2 * padding;
    dims[3] += 2 * padding;
    dst_desc_ = memory::desc(dims, src_desc.data_type(), tag_of(src_desc));
    interior_desc_ = dst_desc_.submemory_desc(src_dims, {0, 0, padding, padding});
    dst_ = memory(dst_desc_, device.engine);
    std::memset(dst_.get_data_handle(), 0, dst_desc_.get_size());
    dst_interior_ = memory(interior_desc_, device.engine, dst_.get_data_handle());
    diff_src_ = memory(src_desc, device.engine);
    const dnnl::reorder::primitive_desc pad_pd(device.engine, src_desc, device.engine, interior_desc_);
    const dnnl::reorder::primitive_desc unpad_pd(device.engine, interior_desc_, device.engine, src_desc);
    check_implementation(device, pad_pd, "zero-pad " + dims_text(src_desc));
    check_implementation(device, unpad_pd, "zero-pad " + dims_text(src_desc) + " backward");
    pad_ = dnnl::reorder(pad_pd);
    unpad_ = dnnl::reorder(unpad_pd);
}

const memory& ZeroPadLayer::forward(const memory& src, Mode) {
    pad_.execute(device_.stream, const_cast<memory&>(src), dst_interior_);
    return dst_;
}

const memory& ZeroPadLayer::backward(const memory& diff_dst) {
    memory interior(interior_desc_, device_.engine, diff_dst.get_data_handle());
    unpad_.execute(device_.stream, interior, diff_src_);
    return diff_src_;
}

}  // namespace tinydigit::trainer
