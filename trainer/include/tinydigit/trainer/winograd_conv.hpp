// Winograd convolution for training, f32 or bf16: stride 1, symmetric zero padding, channels-last
// (nhwc) activations, 3x3 kernels. Each output tile is computed from a (tile + 2)^2 input tile;
// the products over channels are (tile + 2)^2 batched GEMMs run by oneDNN's matmul:
//   forward        V = B^T d B, U = G g G^T, M[xi] = V[xi] U[xi], y = A^T M A + bias
//   backward       dM = A dy A^T (the adjoint of the output transform), then
//     weights      dU[xi] = V[xi]^T dM[xi], dg = G^T dU G, dbias = sum dy
//     data         dV[xi] = dM[xi] U[xi]^T, dx = B dV B^T scatter-added over the overlapping tiles
// The backward formulas are the exact adjoints of the forward's, so the gradients are those of
// the convolution up to rounding. Weights are OIHW stored as [ic][ky][kx][oc] (format "bcda"),
// so the weight transforms run along contiguous output channels.
// The activations (src, dst and their gradients) are f32 or bf16; so are the GEMMs' operands and
// results (V, U, M, dM, dV), which also choose the tiling:
//   f32   F(4x4, 3x3): 36 products per 16 outputs (144 multiplies direct)
//   bf16  F(2x2, 3x3): 16 products per 4 outputs (36 direct), at twice f32's rate (AVX-512 BF16)
// The GEMMs accumulate in f32, dU is f32, the transforms compute in f32, and weights, biases and
// their gradients are f32. F(4x4, 3x3)'s transforms scale values by up to 8 and 1/24, so its
// products stay f32: rounded to bf16 they left results about 20x as far from the exact
// convolution as oneDNN's bf16 direct kernels', and one short training run of three at 62 %.
// F(2x2, 3x3)'s only add, subtract and halve: bf16 products there are about 1.9x as far as
// oneDNN's (winograd_conv_test).
#pragma once

#include <cstddef>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace tinydigit::trainer {

class WinogradConv {
public:
    // activations, operands: f32 or bf16 (std::invalid_argument otherwise).
    WinogradConv(const dnnl::engine& engine, int batch, int in_channels, int height, int width, int out_channels,
                 int padding, dnnl::memory::data_type activations = dnnl::memory::data_type::f32,
                 dnnl::memory::data_type operands = dnnl::memory::data_type::f32);

    int out_height() const { return out_h_; }
    int out_width() const { return out_w_; }
    std::ptrdiff_t tiles() const { return tiles_; }  // output tiles over the batch
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

    int n_, ic_, h_, w_, oc_, pad_, out_h_, out_w_;
    dnnl::memory::data_type activations_, operands_;
    int tile_, points_, tiles_y_, tiles_x_;
    std::ptrdiff_t tiles_;
    dnnl::engine engine_;
    dnnl::matmul::primitive_desc fwd_pd_, bwd_w_pd_, bwd_d_pd_;
    dnnl::matmul fwd_, bwd_w_, bwd_d_;
    // points_ matrices each: V, U, M, dM and dV in the operand type, dU f32. dV reuses V's
    // buffer and dM M's.
    dnnl::memory v_, u_, m_, dm_, du_, dv_;
    // bf16: diff_src summed in f32 over the overlapping tiles before it is rounded.
    std::vector<float> diff_src_sum_;
};

}  // namespace tinydigit::trainer
