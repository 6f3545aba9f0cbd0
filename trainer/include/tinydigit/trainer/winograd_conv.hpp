// Winograd F(4x4, 3x3) convolution for training, f32: stride 1, symmetric zero padding,
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

    WinogradConv(const dnnl::engine& engine, int batch, int in_channels, int height, int width, int out_channels,
                 int padding);

    int out_height() const { return out_h_; }
    int out_width() const { return out_w_; }
    std::ptrdiff_t tiles() const { return tiles_; }  // 4x4 output tiles over the batch
    // The three matmuls' primitive descriptors, for the layer's check that none of them runs
    // one of oneDNN's slow reference implementations.
    std::vector<const dnnl::primitive_desc_base*> matmul_descs() const { return {&fwd_pd_, &bwd_w_pd_, &bwd_d_pd_}; }

    // src [n][h][w][ic], weights [ic][3][3][oc], bias [oc], dst [n][oh][ow][oc].
    void forward(dnnl::stream& stream, const float* src, const float* weights, const float* bias, float* dst);
    // After forward() on the same src and weights. diff_src may be null (not needed).
    void backward(dnnl::stream& stream, const float* diff_dst, float* diff_weights, float* diff_bias, float* diff_src);

private:
    int n_, ic_, h_, w_, oc_, pad_, out_h_, out_w_, tiles_y_, tiles_x_;
    std::ptrdiff_t tiles_;
    dnnl::engine engine_;
    dnnl::matmul::primitive_desc fwd_pd_, bwd_w_pd_, bwd_d_pd_;
    dnnl::matmul fwd_, bwd_w_, bwd_d_;
    // V (then dV in the backward), U, M (then dM), dU: 36 matrices each.
    dnnl::memory v_, u_, m_, du_;
};

}  // namespace tinydigit::trainer
