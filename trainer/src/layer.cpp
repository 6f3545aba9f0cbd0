#include "tinydigit/trainer/layer.hpp"

#include <string_view>

namespace tinydigit::trainer {

using dnnl::memory;

bool is_reference(const dnnl::primitive_desc_base& pd) {
    return std::string_view(pd.impl_info_str()).starts_with("ref");
}

void check_implementation(Device& device, const dnnl::primitive_desc_base& pd, const std::string& what) {
    if (is_reference(pd)) device.reference_fallbacks.push_back(what + " (" + pd.impl_info_str() + ")");
}

std::string dims_text(const memory::desc& desc) {
    std::string text;
    for (const memory::dim d : desc.dims()) {
        if (!text.empty()) text += 'x';
        text += std::to_string(d);
    }
    return text;
}

memory::desc any_desc(const memory::dims& dims, memory::data_type type) {
    return memory::desc(dims, type, memory::format_tag::any);
}

memory::desc with_type(const memory::desc& desc, memory::data_type type) {
    dnnl_memory_desc_t raw = desc.data;
    raw.data_type = static_cast<dnnl_data_type_t>(type);
    return memory::desc(raw);
}

memory::desc plain_desc(const memory::dims& dims) {
    static constexpr memory::format_tag kTags[] = {memory::format_tag::undef, memory::format_tag::a,
                                                   memory::format_tag::ab, memory::format_tag::abc,
                                                   memory::format_tag::abcd};
    return memory::desc(dims, memory::data_type::f32, kTags[dims.size()]);
}

std::size_t element_count(const memory& m) { return m.get_desc().get_size() / sizeof(float); }

float* data_of(const memory& m) { return static_cast<float*>(m.get_data_handle()); }

void reorder_into(Device& device, const memory& src, const memory& dst) {
    dnnl::reorder(src, dst).execute(device.stream, const_cast<memory&>(src), const_cast<memory&>(dst));
}

}  // namespace tinydigit::trainer
