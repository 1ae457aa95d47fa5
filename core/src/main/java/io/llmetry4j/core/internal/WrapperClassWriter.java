package io.llmetry4j.core.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the class file of a {@link Forwarding} wrapper: a final class implementing the interface
 * and {@link Forwarding.Wrapper}, holding a {@link Forwarding.Dispatcher}, whose method number
 * {@code k} is {@code return (R) dispatcher.call(k, new Object[] {args...})}, arguments boxed and
 * the result unboxed. The code has no branches and no exception handlers, so whatever the
 * dispatcher throws leaves the method as it is (the JVM does not check checked exceptions), and no
 * stack map frames are needed.
 *
 * <p>Written by hand because the JDK 17 has no public class-file API and llmetry4j brings no
 * bytecode library into the application.
 */
final class WrapperClassWriter {

  private static final String SIMPLE_NAME = "Llmetry4jForwarding";
  private static final String DISPATCHER = "io/llmetry4j/core/internal/Forwarding$Dispatcher";
  private static final String WRAPPER = "io/llmetry4j/core/internal/Forwarding$Wrapper";
  private static final String DISPATCHER_FIELD = "dispatcher";

  private static final int ACC_PUBLIC = 0x0001;
  private static final int ACC_PRIVATE = 0x0002;
  private static final int ACC_FINAL = 0x0010;
  private static final int ACC_SUPER = 0x0020;
  private static final int ACC_SYNTHETIC = 0x1000;

  private static final int ALOAD_0 = 0x2a;
  private static final int ALOAD_1 = 0x2b;
  private static final int ILOAD = 0x15;
  private static final int LLOAD = 0x16;
  private static final int FLOAD = 0x17;
  private static final int DLOAD = 0x18;
  private static final int ALOAD = 0x19;
  private static final int WIDE = 0xc4;
  private static final int SIPUSH = 0x11;
  private static final int ACONST_NULL = 0x01;
  private static final int ANEWARRAY = 0xbd;
  private static final int DUP = 0x59;
  private static final int AASTORE = 0x53;
  private static final int POP = 0x57;
  private static final int CHECKCAST = 0xc0;
  private static final int GETFIELD = 0xb4;
  private static final int PUTFIELD = 0xb5;
  private static final int INVOKEVIRTUAL = 0xb6;
  private static final int INVOKESPECIAL = 0xb7;
  private static final int INVOKESTATIC = 0xb8;
  private static final int INVOKEINTERFACE = 0xb9;
  private static final int IRETURN = 0xac;
  private static final int LRETURN = 0xad;
  private static final int FRETURN = 0xae;
  private static final int DRETURN = 0xaf;
  private static final int ARETURN = 0xb0;
  private static final int RETURN = 0xb1;

  private final ConstantPool pool = new ConstantPool();
  // The class is defined in the interface's package: hidden classes must be.
  private final String self;

  private WrapperClassWriter(Class<?> type) {
    String packageName = type.getPackageName();
    this.self =
        packageName.isEmpty() ? SIMPLE_NAME : packageName.replace('.', '/') + '/' + SIMPLE_NAME;
  }

  static byte[] write(Class<?> type, List<Method> methods) {
    return new WrapperClassWriter(type).classFile(type, methods);
  }

  private byte[] classFile(Class<?> type, List<Method> methods) {
    int thisClass = pool.classRef(self);
    int object = pool.classRef("java/lang/Object");
    int iface = pool.classRef(internalName(type));
    int wrapper = pool.classRef(WRAPPER);
    int fieldName = pool.utf8(DISPATCHER_FIELD);
    int fieldDescriptor = pool.utf8("L" + DISPATCHER + ";");
    int code = pool.utf8("Code");
    int field = pool.fieldRef(self, DISPATCHER_FIELD, "L" + DISPATCHER + ";");
    int call =
        pool.interfaceMethodRef(DISPATCHER, "call", "(I[Ljava/lang/Object;)Ljava/lang/Object;");

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      List<byte[]> methodInfos = new java.util.ArrayList<>();
      methodInfos.add(constructor(code, object, field));
      methodInfos.add(dispatcherAccessor(code, field));
      for (int i = 0; i < methods.size(); i++) {
        methodInfos.add(forwardingMethod(code, field, call, i, methods.get(i)));
      }

      out.writeInt(0xCAFEBABE);
      out.writeShort(0);
      out.writeShort(55); // Java 11 class file: no stack map frames needed without branches
      pool.writeTo(out);
      out.writeShort(ACC_PUBLIC | ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC);
      out.writeShort(thisClass);
      out.writeShort(object);
      out.writeShort(2);
      out.writeShort(iface);
      out.writeShort(wrapper);
      out.writeShort(1); // fields
      out.writeShort(ACC_PRIVATE | ACC_FINAL);
      out.writeShort(fieldName);
      out.writeShort(fieldDescriptor);
      out.writeShort(0);
      out.writeShort(methodInfos.size());
      for (byte[] info : methodInfos) {
        out.write(info);
      }
      out.writeShort(0); // class attributes
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private byte[] constructor(int code, int object, int field) throws IOException {
    Code body = new Code();
    body.op(ALOAD_0);
    body.op(INVOKESPECIAL).u2(pool.methodRef("java/lang/Object", "<init>", "()V"));
    body.op(ALOAD_0).op(ALOAD_1);
    body.op(PUTFIELD).u2(field);
    body.op(RETURN);
    return method(ACC_PUBLIC, "<init>", "(L" + DISPATCHER + ";)V", code, body, /* maxStack */ 2, 2);
  }

  private byte[] dispatcherAccessor(int code, int field) throws IOException {
    Code body = new Code();
    body.op(ALOAD_0).op(GETFIELD).u2(field).op(ARETURN);
    return method(ACC_PUBLIC, "llmetry4jDispatcher", "()L" + DISPATCHER + ";", code, body, 1, 1);
  }

  private byte[] forwardingMethod(int code, int field, int call, int index, Method method)
      throws IOException {
    Class<?>[] parameters = method.getParameterTypes();
    Code body = new Code();
    body.op(ALOAD_0).op(GETFIELD).u2(field);
    body.op(SIPUSH).u2(index);
    if (parameters.length == 0) {
      body.op(ACONST_NULL);
    } else {
      body.op(SIPUSH).u2(parameters.length);
      body.op(ANEWARRAY).u2(pool.classRef("java/lang/Object"));
    }
    int slot = 1;
    for (int i = 0; i < parameters.length; i++) {
      Class<?> parameter = parameters[i];
      body.op(DUP).op(SIPUSH).u2(i);
      body.load(loadOpcode(parameter), slot);
      if (parameter.isPrimitive()) {
        Class<?> box = MethodType.methodType(parameter).wrap().returnType();
        body.op(INVOKESTATIC)
            .u2(
                pool.methodRef(
                    internalName(box),
                    "valueOf",
                    "(" + parameter.descriptorString() + ")" + box.descriptorString()));
      }
      body.op(AASTORE);
      slot += parameter == long.class || parameter == double.class ? 2 : 1;
    }
    body.op(INVOKEINTERFACE).u2(call).u1(3).u1(0);
    Class<?> returned = method.getReturnType();
    if (returned == void.class) {
      body.op(POP).op(RETURN);
    } else if (returned.isPrimitive()) {
      Class<?> box = MethodType.methodType(returned).wrap().returnType();
      body.op(CHECKCAST).u2(pool.classRef(internalName(box)));
      body.op(INVOKEVIRTUAL)
          .u2(
              pool.methodRef(
                  internalName(box),
                  returned.getName() + "Value",
                  "()" + returned.descriptorString()));
      body.op(returnOpcode(returned));
    } else {
      if (returned != Object.class) {
        body.op(CHECKCAST).u2(pool.classRef(internalName(returned)));
      }
      body.op(ARETURN);
    }
    String descriptor = MethodType.methodType(returned, parameters).toMethodDescriptorString();
    // this, index, array, array, index, a two-slot value: 7; the result of a call: at most 2.
    return method(ACC_PUBLIC, method.getName(), descriptor, code, body, 8, slot);
  }

  private byte[] method(
      int access, String name, String descriptor, int code, Code body, int maxStack, int maxLocals)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeShort(access);
      out.writeShort(pool.utf8(name));
      out.writeShort(pool.utf8(descriptor));
      out.writeShort(1); // attributes: Code
      byte[] instructions = body.bytes.toByteArray();
      out.writeShort(code);
      out.writeInt(12 + instructions.length);
      out.writeShort(maxStack);
      out.writeShort(maxLocals);
      out.writeInt(instructions.length);
      out.write(instructions);
      out.writeShort(0); // exception table
      out.writeShort(0); // code attributes
    }
    return bytes.toByteArray();
  }

  private static int loadOpcode(Class<?> type) {
    if (!type.isPrimitive()) {
      return ALOAD;
    }
    if (type == long.class) {
      return LLOAD;
    }
    if (type == float.class) {
      return FLOAD;
    }
    if (type == double.class) {
      return DLOAD;
    }
    return ILOAD; // boolean, byte, char, short, int
  }

  private static int returnOpcode(Class<?> type) {
    if (type == long.class) {
      return LRETURN;
    }
    if (type == float.class) {
      return FRETURN;
    }
    if (type == double.class) {
      return DRETURN;
    }
    return IRETURN;
  }

  /** The name a CONSTANT_Class entry takes: internal form, or the descriptor of an array. */
  private static String internalName(Class<?> type) {
    return type.isArray() ? type.descriptorString() : type.getName().replace('.', '/');
  }

  /** A method's bytecode. */
  private static final class Code {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Code op(int opcode) {
      bytes.write(opcode);
      return this;
    }

    Code u1(int value) {
      bytes.write(value);
      return this;
    }

    Code u2(int value) {
      bytes.write(value >>> 8);
      bytes.write(value);
      return this;
    }

    void load(int opcode, int slot) {
      if (slot > 255) {
        op(WIDE).op(opcode).u2(slot);
      } else {
        op(opcode).u1(slot);
      }
    }
  }

  /** The constant pool, each entry written once. */
  private static final class ConstantPool {
    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int FIELD_REF = 9;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int NAME_AND_TYPE = 12;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);
    private final Map<String, Integer> indexes = new HashMap<>();
    private int next = 1;

    int utf8(String value) {
      return entry(
          "U" + value,
          () -> {
            out.writeByte(UTF8);
            out.writeUTF(value);
          });
    }

    int classRef(String internalName) {
      int name = utf8(internalName);
      return entry(
          "C" + internalName,
          () -> {
            out.writeByte(CLASS);
            out.writeShort(name);
          });
    }

    int fieldRef(String owner, String name, String descriptor) {
      return memberRef(FIELD_REF, owner, name, descriptor);
    }

    int methodRef(String owner, String name, String descriptor) {
      return memberRef(METHOD_REF, owner, name, descriptor);
    }

    int interfaceMethodRef(String owner, String name, String descriptor) {
      return memberRef(INTERFACE_METHOD_REF, owner, name, descriptor);
    }

    private int memberRef(int tag, String owner, String name, String descriptor) {
      int ownerIndex = classRef(owner);
      int nameIndex = utf8(name);
      int descriptorIndex = utf8(descriptor);
      int nameAndType =
          entry(
              "N" + name + ' ' + descriptor,
              () -> {
                out.writeByte(NAME_AND_TYPE);
                out.writeShort(nameIndex);
                out.writeShort(descriptorIndex);
              });
      return entry(
          tag + owner + '.' + name + descriptor,
          () -> {
            out.writeByte(tag);
            out.writeShort(ownerIndex);
            out.writeShort(nameAndType);
          });
    }

    private int entry(String key, EntryWriter writer) {
      Integer existing = indexes.get(key);
      if (existing != null) {
        return existing;
      }
      try {
        writer.write();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      int index = next++;
      if (index > 0xFFFF) {
        throw new IllegalStateException("constant pool too large");
      }
      indexes.put(key, index);
      return index;
    }

    void writeTo(DataOutputStream target) throws IOException {
      target.writeShort(next);
      out.flush();
      target.write(bytes.toByteArray());
    }

    private interface EntryWriter {
      void write() throws IOException;
    }
  }
}
