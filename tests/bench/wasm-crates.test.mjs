// The size report's attribution of twiggy's items to crates (scripts/wasm-sizes.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crateOf, family } from './wasm-crates.mjs';

test('an item belongs to the crate of its type, not to the standard library instantiating it', () => {
  assert.equal(crateOf('burn_flex::ops::conv::conv2d::h0123'), 'burn_flex');
  assert.equal(crateOf('<burn_autodiff::Autodiff<B> as burn_backend::FloatTensorOps>::float_add::h1'), 'burn_autodiff');
  assert.equal(crateOf('core::ptr::drop_in_place<cubecl_ir::Scope>::h2'), 'cubecl_ir');
  assert.equal(crateOf('alloc::vec::Vec<T,A>::push::h3'), 'alloc');
  assert.equal(crateOf('data segment ".rodata"'), '(data segments)');
  assert.equal(crateOf('elem[0]'), '(wasm tables, types, glue)');
});

test('families: cubecl with its kernels, ours, the rest', () => {
  assert.equal(family('cubek_matmul'), 'cubecl');
  assert.equal(family('cubecl_std'), 'cubecl');
  assert.equal(family('burn_core'), 'burn');
  assert.equal(family('model'), 'ours');
  assert.equal(family('naga'), 'wgpu');
  assert.equal(family('image_webp'), 'other');
});
