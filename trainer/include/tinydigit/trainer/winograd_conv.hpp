// Winograd F(4x4, 3x3) convolution for training, f32 or bf16: stride 1, symmetric zero padding,
// channels-last (nhwc) activations. Each 4x4 output tile is computed from a 6x6 input tile in
// 36 transformed products instead of 144 multiplies; the products over channels are 36 batched
// GEMMs run by oneDNN's matmul:
//   forward        V = B^T d B, U = G g G^T, M[xi] = V[xi] U[xi], y = A^T M A + bias
//   backward       dM = A dy A^T (the adjoint of the output transform), then
//     weights      dU[xi] = V[xi]^T dM[xi], dg = G^T dU G, dbias = sum dy
//     data         dV[xi] = dM[xi] U[xi]^T, dx = B dV B^T scatter-added over the overlapping tiles
// The backward formulas are the exact adjoints of the forward's, so the gradients are those of
// the convolution up to rounding. Weights are OIHW stored as [ic][ky][kx][oc] (format "bcda"),
// so the weight transforms run along contiguous output channels.
// The activations (src, dst and their gradients) and the GEMMs' operands (V, U, dM) are each
// f32 or bf16; the GEMMs accumulate in f32 (M, dU, dV) and the transforms compute in f32.
// Weights, biases and their gradients are f32. Operands rounded to bf16 are rounded in the
// Winograd domain, where the transforms have scaled values by up to 8 and 1/24, so the results
// are much further from the exact convolution than oneDNN's bf16 direct kernels' (about 20x:
// winograd_conv_test); bf16 activations with f32 operands round only what comes in and out.
#pragma once

#include <cstddef>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace tinydigit::trainer {

class WinogradConv {
public:
    static constexpr int kTile = 4;                    // outputs per tile side
    static constexpr int kInputTile = kTile + 3 - 1;  // 6: inputs per tile side
    static constexpr int kPoints = kInputTile * kInputTile;

    // activations, operands: f32 or bf16 (std::invalid_argument otherwise).
    WinogradConv(const dnnl::engine& engine, int batch, int in_channels, int height, int width, int out_channels,
                 int padding, dnnl::memory::data_type activations = dnnl::memory::data_type::f32,
                 dnnl::memory::data_type operands = dnnl::memory::data_type::f32);

    int out_height() const { return out_h_; }
    int out_width() const { return out_w_; }
    std::ptrdiff_t tiles() const { return tiles_; }  // 4x4 output tiles over the batch
    // The three matmuls' primitive descriptors, for the layer's check that none of them runs
    // one of oneDNN's slow reference implementations.
    std::vector<const dnnl::primitive_desc_base*> matmul_descs() const { return {&fwd_pd_, &bwd_w_pd_, &bwd_d_pd_}; }

    // src [n][h][w][ic], weights [ic][3][3][oc], bias [oc], dst [n][oh][ow][oc]; src, dst,
    // diff_dst and diff_src hold elements of the constructor's activation type.
    void forward(dnnl::stream& stream, const void* src, const float* weights, const float* bias, void* dst);
    // After forward() on the same src and weights. diff_src may be null (not needed).
    void backward(dnnl::stream& stream, const void* diff_dst, float* diff_weights, float* diff_bias, void* diff_src);

private:
    template <typename A, typename O>  // the activations' and the operands' C++ types
    void forward_in(dnnl::stream& stream, const A* src, const float* weights, const float* bias, A* dst);
    template <typename A, typename O>
    void backward_in(dnnl::stream& stream, const A* diff_dst, float* diff_weights, float* diff_bias, A* diff_src);

    int n_, ic_, h_, w_, oc_, pad_, out_h_, out_w_, tiles_y_, tiles_x_;
    std::ptrdiff_t tiles_;
    dnnl::memory::data_type activations_, operands_;
    dnnl::engine engine_;
    dnnl::matmul::primitive_desc fwd_pd_, bwd_w_pd_, bwd_d_pd_;
    dnnl::matmul fwd_, bwd_w_, bwd_d_;
    // 36 matrices each: V, U and dM in the operand type; M, dU and dV f32. With f32 operands
    // dV reuses V's buffer and dM M's.
    dnnl::memory v_, u_, m_, dm_, du_, dv_;
    // bf16: diff_src summed in f32 over the overlapping tiles before it is rounded.
    std::vector<float> diff_src_sum_;
};

}  // namespace tinydigit::trainer
