"""Function words and common verb forms that mark a Latin-script message as English or romanized Indic.

Weights: 1.0 for words that are only that language; lower for words that are also English or also another
Indian language ("me", "to", "do", "par"; "illa" is Tamil, Kannada and Malayalam). Nouns are left out:
Hinglish and Tanglish borrow English nouns ("order", "refund", "delivery") and so do not tell languages apart.
"""

from __future__ import annotations

import re


def _weighted(spec: str) -> dict[str, float]:
    """`word word:0.5 …` -> {word: weight}; a word without a weight weighs 1."""
    out: dict[str, float] = {}
    for item in spec.split():
        word, _, weight = item.partition(":")
        out[word] = float(weight) if weight else 1.0
    return out


ENGLISH = _weighted(
    """
    i me:0.5 my mine you your yours we our us it its is are was were be been being am do:0.5 does did done
    can could will would should shall may might must have has had having the a an and or but not no:0.5 nor to
    of for in on at with from by about into over after before under this that these those there here what when
    where which who whom whose why how please pls plz any some get got want wanted need needed still yet
    already if so than then just also too very much many more most only thanks thank thx hello hey ok:0.5
    okay:0.5 yes yeah sorry sir:0.3 madam:0.3 im i'm i've i'll i'd dont don't didn't doesn't can't cannot isn't
    it's its whats what's wasn't won't haven't hasn't you're u:0.5 ur:0.5 r:0.3 they them their he she his her
    him all every each other another same such own again ever never always one two three let know tell give
    send show help make take come go going look say said would've should've could've could haven't wouldn't
    like:0.5 as:0.5 because since until while during till across through without within per via
    """
)

HINDI = _weighted(
    """
    hai hain hu hoon hun kya kyaa kyu kyun kyon nahi nahin nhi nai mera meri mere mujhe muje mujhko hum humko
    hume humein hamara hamari hamare aap aapka aapki aapke apka apki apke aapko apko tum tumhara tumhari tumko
    kab kaha kahan kahaan kaise kaisa kaisi kese kesa kitna kitne kitni kaun kon kisi kis kise kuch koi sab sabhi
    bahut bohot bahot bhot bilkul abhi aaj kal parso bhi lekin magar aur ya:0.3 toh haan han:0.3 ji bhai
    bhaiya bhaiyya didi yaar yar acha accha achha achhi acchi acche theek thik sahi galat wala wali wale waala
    waali ka:0.5 ki:0.5 ke:0.5 ko:0.7 se:0.7 mein mai:0.5 main:0.3 me:0.3 pe:0.6 par:0.3 tak liye lie saath sath
    baat bata batao bataye bataiye batana bolo boliye dijiye dena de:0.3 dedo do:0.3 karo karna karni karne karu
    karun karoon karein karen kare kar:0.7 kiya kiye kia hua hui hue hoga hogi honge hota hoti hote ho:0.5 tha
    thi raha rahi rahe rha rhi gaya gayi gaye gya gyi lagega lagegi lagenge lagta lagti lag:0.3 milega milegi
    milenge mila mili mil:0.5 chahiye chaiye chahie chahta chahti chahte sakta sakti sakte skte paisa paise
    jaldi wapas vapas waapas kyunki agar phir fir bas matlab samajh pata maine mene humne aapne apne apna apni
    unka uska iska yeh ye:0.6 woh wo:0.6 vo:0.6 isko usko yahan wahan jab tab:0.3 din:0.7 mahina hafte hafta
    ghante dikha dikhao dikhaya bhejo bhej bheja bheji bhejiye bhejdo aayega ayega aaega aayegi ayegi aaye aaya
    aayi aya ayi jayega jaayega jaega jayegi jaaye jaye karwa karwao karwado karao karado kardo krdo krna kro
    kr:0.5 shukriya dhanyavad dhanyawad namaste namaskar kripya kripaya zaroor jarur jaroor sirf zyada jyada
    kam:0.3 bekaar bekar bakwas ghatiya bura buri badhiya badiya shandar dhoka dhokha rupaye rupay dukaan dukan
    kapda kapde naya nayi purana chota chhota bada badi jaise waise aise vaise isliye kaam ab:0.5 pehle pahle
    baad andar bahar zara jara na:0.3 naa:0.5 hona hone hoke hokar lena lene leke lekar dekh dekho dekhiye suno
    suniye samjho milna mile:0.5 kijiye karke krke wali abhitak kahin kabhi hamesha sirji bhaisahab insaan
    aadmi banda bande koyi kuchh kyaa hoye gayi hogaya hogya hogai chalega chalegi bolna
    boliye milta milti mujhse aapse humse unse isse usse inka unki unke jisse jiska lagao lagaya lagai rakho
    rakha rakhna dijie dijiyega karenge karega karegi krenge krega dena denge dega degi diya diye di:0.3
    """
)

TAMIL = _weighted(
    """
    enna yenna ennaa epdi eppadi yeppadi eppo eppodhu eppothu yeppo enga engae enge yenga engala evlo evvalavu
    evalavu yevlo yevalo ethana ethanai yethana illa:0.6 illai ila:0.5 illaya illaiya irukku iruku irukka irukkaa
    iruka irukkum irundha irundhuchu irukkunga irukkanga venum vendum venuma vendaam vendam vaanga vanga vaa:0.5
    ponga pogum varum varuma varumaa vandhuchu vanthuchu vandhu vanthu varala varalai vandhadhu varudhu aachu
    achu:0.5 aagum aaguma aagala aagathu aagadhu panna pannunga pannanum pannuveengala pannuvingala pannuveenga
    pannalama pannalaam pannitten panniten panren pannren pannuga sollunga sollu solla sonna sonnaanga theriyum
    theriyuma theriyala teriyala kidaikkum kidaikuma kidaikkuma kedaikuma kedaikkuma kidaikala kedaikum naan
    naa:0.3 nan:0.3 enakku enaku ennoda ennudaiya en:0.2 unga ungal ungaloda ungalukku ungaluku neenga nee:0.5
    avanga ivanga romba rombha konjam seri sariyaa nalla nallaa aana aanaa apram apparam appuram ippo ippodhu
    ippothu inga anga adhu idhu ithu athu yaaru edhuku ethuku yen:0.3 enda da:0.3 dei machan macha akka thambi
    vanakkam nandri nanri mudiyuma mudiyum mudiyadhu mudiyathu mudiyala paakanum paakalam paaru paarunga kaasu
    panam vilai kudunga kudu kodunga kodu anuppu anuppunga anupunga thiruppi ennachu ennaachu aayiduchu aiduchu
    poiduchu poyiduchu vittu vitten innum inum naal:0.7 maasam vaaram kitta kitte kooda mattum thaan dhaan
    seekiram seekkiram sekiram vendiyathu podunga pottu ketta kettu kekkuren kekkaren
    sollungal irukeenga irukinga vanthutten vanthudum vandhudum kaatunga kaattunga edukkanum
    edukkalam mathi maathi maathanum mathanum pannikalama tharuveengala tharuvingala tharanum thaanga
    thanga:0.3 """
)

TELUGU = _weighted(
    """
    emi enti yenti ela ekkada eppudu enduku undi unda undaa ledu leda levu kavali kavala cheyyandi cheyandi
    cheyyali chesanu chesaru meeru miru naaku naku nenu mee:0.5 maa:0.3 andi garu chala baagundi bagundi
    entha:0.5 enta vastundi vachindi raledu ivvandi cheppandi dhanyavadalu istara istaru pampandi
    """
)

BENGALI = _weighted(
    """
    ami amar amake tumi tomar apni apnar apnake ache achhe nei koto kothay kobe keno kemon korbo korte koren
    korun korchi chai:0.5 hobe hoyeche hoyni pabo pelam dao:0.5 bolun bhalo khub dhonnobad onek ekhon kintu
    taka:0.5 pathan pathiye jabe debe dilam
    """
)

MARATHI = _weighted(
    """
    aahe ahe aahet ahet mala majha majhi maze mazha mazi tumhi tumcha tumchi tumche kaay kadhi kuthe kasa:0.5
    kashi:0.3 kiti pahije hoil zala jhala zhala karaycha karaychi karayche dya:0.5 dyaa ani:0.5 madhe sathi
    nako yeil milel pathva sanga
    """
)

KANNADA = _weighted(
    """
    enu yenu hege yelli elli yavaga eshtu estu beku bekagide ide:0.5 idhe maadi madi:0.5 maadbeku nanage nange
    nimma neevu naanu banni kodi dhanyavadagalu swalpa hogide bandide barutte illa:0.3
    """
)

MALAYALAM = _weighted(
    """
    enthu evide eppol ethra engane undo undu:0.5 alle venam vendi cheyyam cheyyamo kittum kittumo njan enikku
    ningal ningalude nanni sheri kure valare aanu ano:0.5 aano ille illa:0.3 entha:0.5
    """
)

ROMANIZED: dict[str, dict[str, float]] = {
    "hi": HINDI,
    "ta": TAMIL,
    "te": TELUGU,
    "bn": BENGALI,
    "mr": MARATHI,
    "kn": KANNADA,
    "ml": MALAYALAM,
}

# Tamil verb and case endings ("pannunga", "kidaikkuma", "chennaikku", "vandhuchu") that English words lack.
TAMIL_SUFFIX = re.compile(r"(?:unga|inga|eenga|ngala|kkuma|kkum|ukku|aachu|uchu|iduchu|anum|alaam|alama|laama)$")
