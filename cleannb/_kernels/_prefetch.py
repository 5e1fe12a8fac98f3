"""Intrinsics for Numba kernels: software prefetches (``llvm.prefetch``), a float16 decode."""

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


@intrinsic
def prefetch(typingctx, array, row, column):
    """Ask the CPU to fetch the cache line of ``array[row, column]`` (2-D, C order)
    into its caches for reading; no effect on results."""
    sig = types.void(array, row, column)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        array_value = context.make_array(array_type)(context, builder, args[0])
        row_index = context.cast(builder, args[1], signature.args[1], types.intp)
        column_index = context.cast(builder, args[2], signature.args[2], types.intp)
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, array_value, [row_index, column_index]
        )
        byte_pointer = builder.bitcast(pointer, ir.IntType(8).as_pointer())
        function_type = ir.FunctionType(
            ir.VoidType(), [byte_pointer.type, ir.IntType(32), ir.IntType(32), ir.IntType(32)]
        )
        function = cgutils.get_or_insert_function(builder.module, function_type, "llvm.prefetch.p0")
        read, locality, data_cache = (ir.Constant(ir.IntType(32), x) for x in (0, 3, 1))
        builder.call(function, [byte_pointer, read, locality, data_cache])
        return context.get_dummy_value()

    return sig, codegen


@intrinsic
def half_to_float(typingctx, bits):
    """The float16 value whose bit pattern is the int16 ``bits``, as float32 (exact).

    One ``fpext`` from LLVM's half type: loops of it vectorise (F16C's
    ``vcvtph2ps``) where a table lookup per value does not."""
    sig = types.float32(bits)

    def codegen(context, builder, signature, args):
        # other types only reach here in branches compiled for other dtypes
        pattern = context.cast(builder, args[0], signature.args[0], types.int16)
        half = builder.bitcast(pattern, ir.HalfType())
        return builder.fpext(half, ir.FloatType())

    return sig, codegen
